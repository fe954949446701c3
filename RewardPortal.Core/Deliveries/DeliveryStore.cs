using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// Claims due deliveries with a lease: a conditional UPDATE that only takes rows still pending, due and not leased
/// (or whose lease ran out), so several nodes never send one delivery at once and a dead node's work is taken over.
/// </summary>
internal sealed class DeliveryStore(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    private long claims;

    public async Task<(List<DeliveryWork> Work, Dictionary<long, DeliveryTarget> Targets)> ClaimAsync(
        string node, int limit, IReadOnlyCollection<long> excludedNotifications, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await Due(db, now)
            .Where(d => !excludedNotifications.Contains(d.NotificationId))
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => d.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return ([], []);

        var lease = $"{node}#{Interlocked.Increment(ref claims)}";
        var leasedUntil = now + leaseDuration;
        // The conditions again: another node may have claimed some of these rows since they were read.
        var claimed = await Due(db, now).Where(d => ids.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, lease).SetProperty(d => d.LeasedUntil, leasedUntil), cancellationToken);
        if (claimed == 0)
            return ([], []);

        var work = await db.Deliveries.AsNoTracking()
            .Where(d => ids.Contains(d.Id) && d.LeasedBy == lease)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => new DeliveryWork(d.Id, d.MessageId, d.AttemptCount, d.NotificationId, d.Event!.Type, d.Event.OccurredAt,
                d.Event.DataJson, lease, leasedUntil))
            .ToListAsync(cancellationToken);
        var notificationIds = work.Select(w => w.NotificationId).Distinct().ToList();
        var targets = await db.Notifications.AsNoTracking()
            .Where(n => notificationIds.Contains(n.Id))
            .Select(n => new DeliveryTarget(n.Id, n.Channel, n.WebhookUrl, n.Secret, n.PreviousSecret, n.PreviousSecretExpiresAt, n.IsDeleted,
                n.Recipients.Where(u => !u.IsDisabled && u.Email != null).Select(u => new EmailRecipient(u.DisplayName, u.Email!)).ToList()))
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        return (work, targets);
    }

    /// <summary>When the next delivery this node could claim falls due, or null when none waits.</summary>
    public async Task<DateTime?> NextDueAsync(IReadOnlyCollection<long> excludedNotifications, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && (d.LeasedUntil == null || d.LeasedUntil < now))
            .Where(d => !excludedNotifications.Contains(d.NotificationId))
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => (DateTime?)d.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Gives back the leases of a node that stops, so that a restart (or another node) sends at once.</summary>
    public async Task<int> ReleaseNodeAsync(string node, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var prefix = node + "#";
        return await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.LeasedBy != null && d.LeasedBy.StartsWith(prefix))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
    }

    /// <summary>Clears leases that ran out (their node died): the sweep makes that work claimable and visible again.</summary>
    public async Task<int> ClearExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending && d.LeasedUntil != null && d.LeasedUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
    }

    public async Task<int> CountDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Due(db, clock.GetUtcNow().UtcDateTime).CountAsync(cancellationToken);
    }

    private static IQueryable<Delivery> Due(RewardPortalDbContext db, DateTime now) =>
        db.Deliveries.Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil < now));
}
