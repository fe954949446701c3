using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// Claims due deliveries with a lease: one conditional UPDATE that only takes rows still pending, due and not leased
/// (or whose lease ran out), so several nodes never send one delivery at once and a dead node's work is taken over.
/// The hot statements are plain SQL in each dialect, run on SQLite through <see cref="SqliteEngineStatements"/> and on
/// PostgreSQL as commands of the context; the rest is EF.
/// </summary>
internal sealed class DeliveryStore(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    private const string ClaimSqliteSql = """
        UPDATE "Deliveries" SET "LeasedBy" = @lease, "LeasedUntil" = @until
        WHERE "Id" IN (
            SELECT "Id" FROM "Deliveries"
            WHERE "Status" = 0 AND "NextAttemptAt" <= @now AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now)
              AND "NotificationId" NOT IN (SELECT "value" FROM json_each(@excluded))
            ORDER BY "NextAttemptAt" LIMIT @limit)
        RETURNING "Id", "MessageId", "AttemptCount", "NotificationId", "EventId"
        """;
    // SKIP LOCKED: nodes claiming at the same moment each take other rows instead of queueing behind one another.
    private const string ClaimPostgres = """
        UPDATE "Deliveries" SET "LeasedBy" = @lease, "LeasedUntil" = @until
        WHERE "Id" IN (
            SELECT "Id" FROM "Deliveries"
            WHERE "Status" = 0 AND "NextAttemptAt" <= @now AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now)
              AND NOT ("NotificationId" = ANY(@excluded))
            ORDER BY "NextAttemptAt" LIMIT @limit
            FOR UPDATE SKIP LOCKED)
        RETURNING "Id", "MessageId", "AttemptCount", "NotificationId", "EventId"
        """;
    private const string NextDueSqlite = """
        SELECT "NextAttemptAt" FROM "Deliveries"
        WHERE "Status" = 0 AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now) AND "NotificationId" NOT IN (SELECT "value" FROM json_each(@excluded))
        ORDER BY "NextAttemptAt" LIMIT 1
        """;
    private const string NextDuePostgres = """
        SELECT "NextAttemptAt" FROM "Deliveries"
        WHERE "Status" = 0 AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now) AND NOT ("NotificationId" = ANY(@excluded))
        ORDER BY "NextAttemptAt" LIMIT 1
        """;
    private const string EventsSqliteSql = """SELECT "Id", "Type", "OccurredAt", "DataJson", "TraceParent" FROM "Events" WHERE "Id" IN (SELECT "value" FROM json_each(@ids))""";
    private const string EventsPostgres = """SELECT "Id", "Type", "OccurredAt", "DataJson", "TraceParent" FROM "Events" WHERE "Id" = ANY(@ids)""";

    /// <summary>Notification settings are read at most this long ago: edits, rotations and deletions apply within it.</summary>
    private static readonly TimeSpan TargetsFreshFor = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, (DeliveryTarget Target, DateTime ReadAt)> targets = [];
    private long claims;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries in the caller's transaction. Called by the dispatcher's loop
    /// only; on SQLite <paramref name="sqlite"/> runs the statements on the loop's connection.
    /// </summary>
    public async Task<(List<DeliveryWork> Work, Dictionary<long, DeliveryTarget> Targets)> ClaimAsync(
        RewardPortalDbContext db, SqliteEngineStatements? sqlite, string node, int limit, IReadOnlyCollection<long> excludedNotifications,
        TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lease = $"{node}#{++claims}";
        var leasedUntil = now + leaseDuration;
        var claimed = sqlite is null
            ? await ClaimPostgresAsync(db, lease, leasedUntil, now, excludedNotifications, limit, cancellationToken)
            : ClaimSqlite(sqlite, lease, leasedUntil, now, excludedNotifications, limit);
        if (claimed.Count == 0)
            return ([], []);

        var eventIds = claimed.Select(c => c.EventId).Distinct().ToList();
        var events = sqlite is null ? await EventsPostgresAsync(db, eventIds, cancellationToken) : EventsSqlite(sqlite, eventIds);
        var claimedTargets = await TargetsAsync(db, claimed.Select(c => c.NotificationId).Distinct().ToList(), now, cancellationToken);
        var emailedElsewhere = await EmailedElsewhereAsync(db, claimed, claimedTargets, now, cancellationToken);
        var work = claimed.Select(c =>
        {
            var e = events[c.EventId];
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
        RewardPortalDbContext db, List<Claimed> claimed, Dictionary<long, DeliveryTarget> claimedTargets, DateTime now, CancellationToken cancellationToken)
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
    public async Task<DateTime?> NextDueAsync(
        RewardPortalDbContext db, SqliteEngineStatements? sqlite, IReadOnlyCollection<long> excludedNotifications, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (sqlite is not null)
        {
            DateTime? due = null;
            sqlite.Query(NextDueSqlite, row => due = row.Time(0), now, JsonIds(excludedNotifications));
            return due;
        }
        await using var command = RawCommand.Create(db, NextDuePostgres, "@now", "@excluded");
        command.With(now, excludedNotifications.ToArray());
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

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

    private async Task<Dictionary<long, DeliveryTarget>> TargetsAsync(RewardPortalDbContext db, List<long> notificationIds, DateTime now, CancellationToken cancellationToken)
    {
        var stale = notificationIds.Where(id => !targets.TryGetValue(id, out var t) || now - t.ReadAt > TargetsFreshFor).ToList();
        if (stale.Count > 0)
        {
            var read = await db.Notifications.AsNoTracking()
                .Where(n => stale.Contains(n.Id))
                .Select(n => new DeliveryTarget(n.Id, n.Channel, n.WebhookUrl, n.Secret, n.PreviousSecret, n.PreviousSecretExpiresAt, n.IsDeleted,
                    n.Recipients.Where(u => !u.IsDisabled && u.Email != null).Select(u => new EmailRecipient(u.DisplayName, u.Email!)).ToList(),
                    n.NotifyParticipant))
                .ToListAsync(cancellationToken);
            foreach (var target in read)
                targets[target.Id] = (target, now);
        }
        return notificationIds.ToDictionary(id => id, id => targets[id].Target);
    }

    private static List<Claimed> ClaimSqlite(
        SqliteEngineStatements sqlite, string lease, DateTime leasedUntil, DateTime now, IReadOnlyCollection<long> excluded, int limit)
    {
        var claimed = new List<Claimed>(limit);
        sqlite.Query(ClaimSqliteSql, row => claimed.Add(new Claimed(row.Int64(0), row.Text(1), row.Int32(2), row.Int64(3), row.Int64(4))),
            lease, leasedUntil, now, JsonIds(excluded), limit);
        return claimed;
    }

    private static async Task<List<Claimed>> ClaimPostgresAsync(
        RewardPortalDbContext db, string lease, DateTime leasedUntil, DateTime now, IReadOnlyCollection<long> excluded, int limit,
        CancellationToken cancellationToken)
    {
        var claimed = new List<Claimed>(limit);
        await using var claim = RawCommand.Create(db, ClaimPostgres, "@lease", "@until", "@now", "@excluded", "@limit");
        claim.With(lease, leasedUntil, now, excluded.ToArray(), limit);
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new Claimed(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4)));
        return claimed;
    }

    private static Dictionary<long, ClaimedEvent> EventsSqlite(SqliteEngineStatements sqlite, List<long> ids)
    {
        var events = new Dictionary<long, ClaimedEvent>(ids.Count);
        sqlite.Query(EventsSqliteSql, row =>
        {
            var (type, occurredAt) = (row.Text(1), row.Time(2));
            events[row.Int64(0)] = new ClaimedEvent(type, occurredAt, EventBody.Compose(type, occurredAt, row.Utf8(3)), row.TextOrNull(4));
        }, JsonIds(ids));
        return events;
    }

    private static async Task<Dictionary<long, ClaimedEvent>> EventsPostgresAsync(RewardPortalDbContext db, List<long> ids, CancellationToken cancellationToken)
    {
        var events = new Dictionary<long, ClaimedEvent>(ids.Count);
        await using var read = RawCommand.Create(db, EventsPostgres, "@ids").With(ids.ToArray());
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (type, occurredAt) = (reader.GetString(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc));
            events[reader.GetInt64(0)] = new ClaimedEvent(type, occurredAt, EventBody.Compose(type, occurredAt, Encoding.UTF8.GetBytes(reader.GetString(3))),
                reader.IsDBNull(4) ? null : reader.GetString(4));
        }
        return events;
    }

    /// <summary>SQLite takes a list of ids as one JSON array, read back with json_each.</summary>
    private static string JsonIds(IReadOnlyCollection<long> ids) => $"[{string.Join(',', ids)}]";

    private sealed record Claimed(long Id, string MessageId, int AttemptCount, long NotificationId, long EventId);

    private sealed record ClaimedEvent(string Type, DateTime OccurredAt, EventBody Body, string? TraceParent);
}
