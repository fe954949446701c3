using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// Claims due deliveries with a lease: one conditional UPDATE that only takes rows still pending, due and not leased
/// (or whose lease ran out), so several nodes never send one delivery at once and a dead node's work is taken over.
/// The hot statements are plain SQL (SQLite and PostgreSQL dialects); the rest is EF.
/// </summary>
internal sealed class DeliveryStore(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    private const string ClaimSqlite = """
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
    private const string EventsSqlite = """SELECT "Id", "Type", "OccurredAt", "DataJson" FROM "Events" WHERE "Id" IN (SELECT "value" FROM json_each(@ids))""";
    private const string EventsPostgres = """SELECT "Id", "Type", "OccurredAt", "DataJson" FROM "Events" WHERE "Id" = ANY(@ids)""";

    /// <summary>Notification settings are read at most this long ago: edits, rotations and deletions apply within it.</summary>
    private static readonly TimeSpan TargetsFreshFor = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, (DeliveryTarget Target, DateTime ReadAt)> targets = [];
    private long claims;

    /// <summary>Claims up to <paramref name="limit"/> due deliveries in the caller's transaction. Called by the dispatcher's loop only.</summary>
    public async Task<(List<DeliveryWork> Work, Dictionary<long, DeliveryTarget> Targets)> ClaimAsync(
        RewardPortalDbContext db, string node, int limit, IReadOnlyCollection<long> excludedNotifications, TimeSpan leaseDuration,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var postgres = db.Database.IsNpgsql();
        var lease = $"{node}#{++claims}";
        var leasedUntil = now + leaseDuration;
        var claimed = new List<(long Id, string MessageId, int AttemptCount, long NotificationId, long EventId)>();
        await using (var claim = RawCommand.Create(db, postgres ? ClaimPostgres : ClaimSqlite, "@lease", "@until", "@now", "@excluded", "@limit"))
        {
            claim.With(lease, leasedUntil, now, Ids(excludedNotifications, postgres), limit);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                claimed.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        if (claimed.Count == 0)
            return ([], []);

        var events = new Dictionary<long, (string Type, DateTime OccurredAt, string DataJson)>(claimed.Count);
        await using (var read = RawCommand.Create(db, postgres ? EventsPostgres : EventsSqlite, "@ids"))
        {
            read.With(Ids(claimed.Select(c => c.EventId).Distinct().ToList(), postgres));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                events[reader.GetInt64(0)] = (reader.GetString(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc), reader.GetString(3));
        }
        var work = claimed.Select(c =>
        {
            var e = events[c.EventId];
            return new DeliveryWork(c.Id, c.MessageId, c.AttemptCount, c.NotificationId, e.Type, e.OccurredAt, e.DataJson, lease, leasedUntil);
        }).ToList();
        return (work, await TargetsAsync(db, work.Select(w => w.NotificationId).Distinct().ToList(), now, cancellationToken));
    }

    /// <summary>
    /// When the next delivery this node could claim falls due, or null when none waits. A plain read: the loop asks
    /// before it opens a write transaction, so a wake-up with nothing due never queues for the database's write lock.
    /// </summary>
    public async Task<DateTime?> NextDueAsync(RewardPortalDbContext db, IReadOnlyCollection<long> excludedNotifications, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        await using var command = RawCommand.Create(db, postgres ? NextDuePostgres : NextDueSqlite, "@now", "@excluded");
        command.With(clock.GetUtcNow().UtcDateTime, Ids(excludedNotifications, postgres));
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

    private async Task<Dictionary<long, DeliveryTarget>> TargetsAsync(RewardPortalDbContext db, List<long> notificationIds, DateTime now, CancellationToken cancellationToken)
    {
        var stale = notificationIds.Where(id => !targets.TryGetValue(id, out var t) || now - t.ReadAt > TargetsFreshFor).ToList();
        if (stale.Count > 0)
        {
            var read = await db.Notifications.AsNoTracking()
                .Where(n => stale.Contains(n.Id))
                .Select(n => new DeliveryTarget(n.Id, n.Channel, n.WebhookUrl, n.Secret, n.PreviousSecret, n.PreviousSecretExpiresAt, n.IsDeleted,
                    n.Recipients.Where(u => !u.IsDisabled && u.Email != null).Select(u => new EmailRecipient(u.DisplayName, u.Email!)).ToList()))
                .ToListAsync(cancellationToken);
            foreach (var target in read)
                targets[target.Id] = (target, now);
        }
        return notificationIds.ToDictionary(id => id, id => targets[id].Target);
    }

    private static object Ids(IReadOnlyCollection<long> ids, bool postgres) => postgres ? ids.ToArray() : $"[{string.Join(',', ids)}]";
}
