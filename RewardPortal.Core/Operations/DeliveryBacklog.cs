using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Core.Operations;

/// <summary>How many deliveries are due and since when the oldest of them waits.</summary>
public sealed record BacklogSnapshot(long Due, DateTime? OldestDueAt, DateTime ReadAt)
{
    public TimeSpan OldestDueAge => OldestDueAt is { } at && at < ReadAt ? ReadAt - at : TimeSpan.Zero;
}

/// <summary>
/// The backlog as readiness and the metrics' gauges see it: read on demand (a probe, a scrape), never by the engine, and
/// kept for a few seconds so that a scrape and a probe arriving together ask the database once. Both queries run on
/// the (Status, NextAttemptAt) index.
/// </summary>
public sealed class DeliveryBacklog(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim reading = new(1);
    private BacklogSnapshot? last;

    public async Task<BacklogSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } fresh)
            return fresh;
        await reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } read)
                return read;
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var due = db.Deliveries.AsNoTracking().Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now);
            var oldest = await due.OrderBy(d => d.NextAttemptAt).Select(d => (DateTime?)d.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
            var count = oldest is null ? 0 : await due.LongCountAsync(cancellationToken);
            return last = new BacklogSnapshot(count, oldest, now);
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>For the metrics' observable gauges, whose callbacks are synchronous.</summary>
    public BacklogSnapshot Read() => Fresh() ?? ReadAsync().GetAwaiter().GetResult();

    private BacklogSnapshot? Fresh() => last is { } snapshot && clock.GetUtcNow().UtcDateTime - snapshot.ReadAt < FreshFor ? snapshot : null;
}
