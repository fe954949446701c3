using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Deliveries;

/// <summary>Failed deliveries going back to pending: "Re-send all failed since ..." and a webhook's re-enable share these.</summary>
public static class FailedDeliveries
{
    /// <summary>Deliveries that failed for good since <paramref name="since"/>, of live notifications (of one, if given).</summary>
    public static IQueryable<Delivery> Since(RewardPortalDbContext db, DateTime since, long? notificationId)
    {
        var failed = db.Deliveries.Where(d => d.Status == DeliveryStatus.Failed && d.CompletedAt >= since && !d.Notification!.IsDeleted);
        return notificationId is { } id ? failed.Where(d => d.NotificationId == id) : failed;
    }

    /// <summary>Back to pending, due now, keeping the webhook-id: a new attempt of the same delivery, as by hand.</summary>
    public static Task<int> RequeueAsync(IQueryable<Delivery> failed, DateTime now, CancellationToken cancellationToken) =>
        failed.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.CompletedAt, (DateTime?)null), cancellationToken);
}
