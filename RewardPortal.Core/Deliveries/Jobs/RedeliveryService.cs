using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>How far a "re-send all failed since ..." job has got.</summary>
public sealed record RedeliveryProgress(int Done, int Total, string State)
{
    public bool Finished => State is "Succeeded" or "Failed" or "Deleted";
}

/// <summary>
/// Re-sending by hand (Owner and Admins; the screens and POST /api/v1/deliveries/{id}/redeliver): the delivery goes back to
/// pending, due now, with the same webhook-id so that receivers still recognise it. A bulk re-send runs as a Hangfire job.
/// </summary>
public sealed class RedeliveryService(IDbContextFactory<RewardPortalDbContext> dbFactory, IDeliverySignal signal, IServiceProvider services, TimeProvider clock)
{
    public const string ProgressParameter = "progress";

    public async Task RedeliverAsync(long deliveryId, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.Deliveries.AsNoTracking().Where(d => d.Id == deliveryId)
            .Select(d => new { d.Status, d.MessageId, d.Notification!.IsDeleted }).FirstOrDefaultAsync(cancellationToken)
            ?? throw PortalException.NotFound("The delivery");
        if (delivery.IsDeleted)
            throw PortalException.Conflict("Its notification was deleted; deliveries of a deleted notification cannot be re-sent.");
        // A delivery being sent right now (leased) is left alone: its attempt is already on the way.
        var updated = await db.Deliveries
            .Where(d => d.Id == deliveryId && (d.Status != DeliveryStatus.Pending || d.LeasedUntil == null || d.LeasedUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Pending)
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.CompletedAt, (DateTime?)null)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        if (updated == 0)
            throw PortalException.Conflict("This delivery is being sent right now.");
        db.Audit(actor, "delivery.redelivered", nameof(Delivery), deliveryId, $"{delivery.MessageId}, was {delivery.Status}");
        await db.SaveChangesAsync(cancellationToken);
        signal.DeliveriesWritten();
    }

    /// <summary>Starts the bulk re-send of deliveries that failed since <paramref name="since"/>; answers the Hangfire job id to follow.</summary>
    public string StartRedeliverFailed(DateTime since, long? notificationId, string actor)
    {
        var utc = since.Kind == DateTimeKind.Local ? since.ToUniversalTime() : DateTime.SpecifyKind(since, DateTimeKind.Utc);
        return services.GetRequiredService<IBackgroundJobClient>()
            .Enqueue<RedeliverFailedJob>(job => job.RunAsync(utc, notificationId, actor, null, CancellationToken.None));
    }

    /// <summary>The job's progress, from Hangfire's storage, so any node can answer it. Null for an unknown job.</summary>
    public RedeliveryProgress? Progress(string jobId)
    {
        using var connection = services.GetRequiredService<JobStorage>().GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        if (state is null)
            return null;
        var stored = connection.GetJobParameter(jobId, ProgressParameter);
        var progress = stored is null ? null : JsonSerializer.Deserialize<RedeliveryProgress>(stored, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return new RedeliveryProgress(progress?.Done ?? 0, progress?.Total ?? 0, state);
    }
}
