using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Core.Retention;

/// <summary>How far a purge has got.</summary>
public sealed record PurgeProgress(int EventsPurged, int EventsToPurge, int DeliveriesPurged, int AttemptsPurged, bool Finished)
{
    public double Percent => EventsToPurge == 0 ? 100 : Math.Min(100, 100.0 * EventsPurged / EventsToPurge);
}

/// <summary>
/// Removes events older than the retention setting, with their deliveries and attempts, in small batches: each batch is
/// one short transaction (on SQLite, one turn at the writer the engine shares), with a pause between, so redemptions and
/// deliveries never wait long. An event with a delivery still pending or retrying is kept whole. The dashboard's history
/// is in its daily rollups, which count inserts and updates only: a delete changes nothing there.
/// </summary>
public sealed class DataPurge(
    IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate, RetentionService settings, TimeProvider clock, ILogger<DataPurge> logger)
{
    public const int BatchSize = 500;
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public async Task<PurgeProgress> RunAsync(IProgress<PurgeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var keepDays = await settings.KeepDaysAsync(cancellationToken);
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-keepDays);
        int total;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            total = await Purgeable(db, cutoff).CountAsync(cancellationToken);
        var done = new PurgeProgress(0, total, 0, 0, false);
        progress?.Report(done);
        while (true)
        {
            var batch = await PurgeBatchAsync(cutoff, cancellationToken);
            if (batch.Events == 0)
                break;
            done = done with
            {
                EventsPurged = done.EventsPurged + batch.Events,
                EventsToPurge = Math.Max(total, done.EventsPurged + batch.Events),
                DeliveriesPurged = done.DeliveriesPurged + batch.Deliveries,
                AttemptsPurged = done.AttemptsPurged + batch.Attempts,
            };
            progress?.Report(done);
            await Task.Delay(Pause, clock, cancellationToken);
        }
        done = done with { Finished = true };
        progress?.Report(done);
        logger.LogInformation("Purged {Events} events older than {Days} days, with {Deliveries} deliveries and {Attempts} attempts.",
            done.EventsPurged, keepDays, done.DeliveriesPurged, done.AttemptsPurged);
        return done;
    }

    private static IQueryable<long> Purgeable(RewardPortalDbContext db, DateTime cutoff) =>
        db.Events.Where(e => e.OccurredAt < cutoff)
            .Where(e => !db.Deliveries.Any(d => d.EventId == e.Id && d.Status == DeliveryStatus.Pending))
            .OrderBy(e => e.Id).Select(e => e.Id);

    private async Task<(int Events, int Deliveries, int Attempts)> PurgeBatchAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        using var turn = db.Database.IsSqlite() ? await gate.EnterAsync() : default;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = await Purgeable(db, cutoff).Take(BatchSize).ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return (0, 0, 0);
        // Each statement checks again that a delivery is not pending: one re-sent meanwhile keeps its event and attempts.
        var finished = db.Deliveries.Where(d => ids.Contains(d.EventId) && d.Status != DeliveryStatus.Pending);
        var attempts = await db.DeliveryAttempts.Where(a => finished.Any(d => d.Id == a.DeliveryId)).ExecuteDeleteAsync(cancellationToken);
        var deliveries = await finished.ExecuteDeleteAsync(cancellationToken);
        var events = await db.Events.Where(e => ids.Contains(e.Id) && !db.Deliveries.Any(d => d.EventId == e.Id)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (events, deliveries, attempts);
    }
}
