using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// "Re-send all failed since ...": puts failed deliveries back to pending in chunks, reporting progress as a job
/// parameter. Safe to run twice: it only touches deliveries still failed, and walks them by id so it always ends.
/// </summary>
public sealed class RedeliverFailedJob(IDbContextFactory<RewardPortalDbContext> dbFactory, IDeliverySignal signal, TimeProvider clock)
{
    public const int Chunk = 500;

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(DateTime since, long? notificationId, string actor, PerformContext? context, CancellationToken cancellationToken)
    {
        since = DateTime.SpecifyKind(since.Kind == DateTimeKind.Local ? since.ToUniversalTime() : since, DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var failed = FailedDeliveries.Since(db, since, notificationId);
        var total = await failed.CountAsync(cancellationToken);
        var done = 0;
        context?.SetJobParameter(RedeliveryService.ProgressParameter, new RedeliveryProgress(done, total, "Processing"));

        long lastId = 0;
        while (done < total)
        {
            var ids = await failed.Where(d => d.Id > lastId).OrderBy(d => d.Id).Select(d => d.Id).Take(Chunk).ToListAsync(cancellationToken);
            if (ids.Count == 0)
                break;
            lastId = ids[^1];
            var now = clock.GetUtcNow().UtcDateTime;
            var stillFailed = db.Deliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Failed);
            done += await FailedDeliveries.RequeueAsync(stillFailed, now, cancellationToken);
            context?.SetJobParameter(RedeliveryService.ProgressParameter, new RedeliveryProgress(Math.Min(done, total), total, "Processing"));
            signal.DeliveriesWritten();
        }
        db.Audit(actor, "deliveries.redelivered", "Delivery", null,
            $"{done} failed deliveries since {since:u}{(notificationId is null ? "" : $" of notification {notificationId}")} re-sent");
        await db.SaveChangesAsync(cancellationToken);
    }
}
