using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// Claims due deliveries with a lease: one conditional UPDATE that only takes rows still pending, due and not leased
/// (or whose lease ran out), so several nodes never send one delivery at once and a dead node's work is taken over.
/// The hot statements are the provider's <see cref="IEngineQueries"/>; the rest is EF.
/// </summary>
internal sealed class DeliveryStore(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Notification settings are read at most this long ago: edits, rotations and deletions apply within it.</summary>
    private static readonly TimeSpan TargetsFreshFor = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, (DeliveryTarget Target, DateTime ReadAt)> targets = [];
    private long claims;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries in the caller's transaction. Called by the dispatcher's loop
    /// only, with the statements on its connection.
    /// </summary>
    public async Task<(List<DeliveryWork> Work, Dictionary<long, DeliveryTarget> Targets)> ClaimAsync(
        RewardPortalDbContext db, IEngineQueries queries, string node, int limit, IReadOnlyCollection<long> excludedNotifications,
        TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = $"{node}#{++claims}";
        var leasedUntil = now + leaseDuration;
        var claimed = await queries.ClaimAsync(lease, leasedUntil, now, excludedNotifications, limit, cancellationToken);
        if (claimed.Count == 0)
            return ([], []);

        var claimedTargets = await TargetsAsync(db, claimed.Select(c => c.NotificationId).Distinct().ToList(), now, cancellationToken);
        var emailedElsewhere = await EmailedElsewhereAsync(db, claimed, claimedTargets, now, cancellationToken);
        var work = claimed.Select(c =>
        {
            var e = c.Event;
            return new DeliveryWork(c.Id, c.MessageId, c.AttemptCount, c.NotificationId, e.Type, e.OccurredAt, e.Body, lease, leasedUntil,
                emailedElsewhere.GetValueOrDefault(c.Id), e.TraceParent);
        }).ToList();
        return (work, claimedTargets);
    }

    /// <summary>
    /// One email per recipient per event: when several email notifications match one event, each person is emailed by
    /// the oldest of them that includes them (the lowest id), whichever delivery happens to be claimed first.
    /// </summary>
    private async Task<Dictionary<long, EmailAudience>> EmailedElsewhereAsync(
        RewardPortalDbContext db, List<ClaimedDelivery> claimed, Dictionary<long, DeliveryTarget> claimedTargets, DateTime now,
        CancellationToken cancellationToken)
    {
        var emails = claimed.Where(c => claimedTargets[c.NotificationId].Channel == NotificationChannel.Email).ToList();
        if (emails.Count == 0)
            return [];
        var eventIds = emails.Select(c => c.EventId).Distinct().ToList();
        var siblings = await db.Deliveries.AsNoTracking()
            .Where(d => eventIds.Contains(d.EventId) && d.Notification!.Channel == NotificationChannel.Email)
            .Select(d => new { d.EventId, d.NotificationId })
            .ToListAsync(cancellationToken);
        if (siblings.GroupBy(s => s.EventId).All(g => g.Count() == 1))
            return [];
        var targetsOf = await TargetsAsync(db, siblings.Select(s => s.NotificationId).Distinct().ToList(), now, cancellationToken);
        var audiences = new Dictionary<long, EmailAudience>();
        foreach (var email in emails)
        {
            var earlier = siblings.Where(s => s.EventId == email.EventId && s.NotificationId < email.NotificationId)
                .Select(s => targetsOf[s.NotificationId]).Where(t => !t.IsDeleted).ToList();
            if (earlier.Count > 0)
                audiences[email.Id] = EmailAudience.Of(earlier);
        }
        return audiences;
    }

    /// <summary>
    /// When the next delivery this node could claim falls due, or null when none waits. A plain read: the loop asks
    /// before it opens a write transaction, so a wake-up with nothing due never queues for the database's write lock.
    /// </summary>
    public Task<DateTime?> NextDueAsync(IEngineQueries queries, IReadOnlyCollection<long> excludedNotifications, CancellationToken cancellationToken) =>
        queries.NextDueAsync(clock.GetUtcNow().UtcDateTime, excludedNotifications, cancellationToken);

    /// <summary>Gives back the leases of a node that stops, so that a restart (or another node) sends at once.</summary>
    public Task<int> ReleaseNodeAsync(string node, CancellationToken cancellationToken)
    {
        var prefix = node + "#";
        return ClearLeasesAsync(d => d.LeasedBy != null && d.LeasedBy.StartsWith(prefix), cancellationToken);
    }

    /// <summary>Clears every lease: for the one engine of a SQLite database, when it starts (see <see cref="SqliteEngineLock"/>).</summary>
    public Task<int> ReleaseAllAsync(CancellationToken cancellationToken) => ClearLeasesAsync(d => d.LeasedBy != null, cancellationToken);

    /// <summary>Clears leases that ran out (their node died): the sweep makes that work claimable and visible again.</summary>
    public Task<int> ClearExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ClearLeasesAsync(d => d.LeasedUntil != null && d.LeasedUntil < now, cancellationToken);
    }

    /// <summary>Makes the pending deliveries that <paramref name="leased"/> picks out claimable again.</summary>
    private async Task<int> ClearLeasesAsync(Expression<Func<Delivery, bool>> leased, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Deliveries
            .Where(d => d.Status == DeliveryStatus.Pending)
            .Where(leased)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
    }

    private async Task<Dictionary<long,
    DeliveryTarget>> TargetsAsync(RewardPortalDbContext db, List<long> notificationIds, DateTime now, CancellationToken cancellationToken)
    {
        var stale = notificationIds.Where(id => !targets.TryGetValue(id, out var t) || now - t.ReadAt > TargetsFreshFor).ToList();
        if (stale.Count > 0)
        {
            var read = await db.Notifications.AsNoTracking()
                .Where(n => stale.Contains(n.Id))
                .Select(n => new DeliveryTarget(n.Id, n.Channel, n.WebhookUrl, n.Secret, n.PreviousSecret, n.PreviousSecretExpiresAt, n.IsDeleted,
                    n.Recipients.Where(u => !u.IsDisabled && u.Email != null).Select(u => new EmailRecipient(u.DisplayName, u.Email!)).ToList(),
                    n.NotifyParticipant,
                    EmailTemplates.Of(n.EmailSubjectTemplate, n.EmailBodyTemplate, n.ParticipantEmailSubjectTemplate, n.ParticipantEmailBodyTemplate)))
                .ToListAsync(cancellationToken);
            foreach (var target in read)
                targets[target.Id] = (target, now);
        }
        return notificationIds.ToDictionary(id => id, id => targets[id].Target);
    }
}
