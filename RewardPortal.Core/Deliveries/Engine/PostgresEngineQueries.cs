using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// The engine's statements on PostgreSQL, where each statement is a round trip: a claim is one statement that also
/// reads the claimed deliveries' events, and a batch of outcomes one statement that inserts every attempt and updates
/// every delivery, with the batch as arrays. Commands of the loop's context, in its transaction.
/// </summary>
internal sealed class PostgresEngineQueries(RewardPortalDbContext db) : IEngineQueries
{
    private const string NextDueSql = """
        SELECT "NextAttemptAt" FROM "Deliveries"
        WHERE "Status" = 0 AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now) AND NOT ("NotificationId" = ANY(@excluded))
        ORDER BY "NextAttemptAt" LIMIT 1
        """;
    // SKIP LOCKED: nodes claiming at the same moment each take other rows instead of queueing behind one another.
    private const string ClaimSql = """
        WITH claimed AS (
            UPDATE "Deliveries" SET "LeasedBy" = @lease, "LeasedUntil" = @until
            WHERE "Id" IN (
                SELECT "Id" FROM "Deliveries"
                WHERE "Status" = 0 AND "NextAttemptAt" <= @now AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now)
                  AND NOT ("NotificationId" = ANY(@excluded))
                ORDER BY "NextAttemptAt" LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            RETURNING "Id", "MessageId", "AttemptCount", "NotificationId", "EventId")
        SELECT c."Id", c."MessageId", c."AttemptCount", c."NotificationId", c."EventId", e."Type", e."OccurredAt", e."DataJson", e."TraceParent"
        FROM claimed c JOIN "Events" e ON e."Id" = c."EventId"
        """;
    // A data-modifying WITH runs once and to completion whether or not the outer statement reads it.
    private const string RecordSql = """
        WITH attempts AS (
            INSERT INTO "DeliveryAttempts" ("DeliveryId", "StartedAt", "DurationMs", "Succeeded", "StatusCode", "ResponseExcerpt", "Error", "TraceId")
            SELECT * FROM unnest(@ids, @ats, @durations, @succeeded, @codes, @excerpts, @errors, @traces))
        UPDATE "Deliveries" AS d SET "Status" = v.status, "AttemptCount" = d."AttemptCount" + 1, "LastAttemptAt" = v.at, "LastStatusCode" = v.code,
            "LastError" = v.error, "NextAttemptAt" = v.next, "CompletedAt" = v.completed, "LeasedUntil" = NULL, "LeasedBy" = NULL
        FROM unnest(@ids, @leases, @statuses, @ats, @codes, @errors, @nexts, @completeds) AS v(id, lease, status, at, code, error, next, completed)
        WHERE d."Id" = v.id AND d."LeasedBy" = v.lease
        RETURNING d."Id"
        """;

    public async Task<DateTime?> NextDueAsync(DateTime now, IReadOnlyCollection<long> excluded, CancellationToken cancellationToken)
    {
        await using var command = RawCommand.Create(db, NextDueSql, "@now", "@excluded").With(now, excluded.ToArray());
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Utc(reader.GetDateTime(0)) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<List<ClaimedDelivery>> ClaimAsync(
        string lease, DateTime leasedUntil, DateTime now, IReadOnlyCollection<long> excluded, int limit, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedDelivery>(limit);
        var events = new Dictionary<long, ClaimedEvent>();
        await using var claim = RawCommand.Create(db, ClaimSql, "@lease", "@until", "@now", "@excluded", "@limit")
            .With(lease, leasedUntil, now, excluded.ToArray(), limit);
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var eventId = reader.GetInt64(4);
            if (!events.TryGetValue(eventId, out var e))
            {
                var (type, occurredAt) = (reader.GetString(5), Utc(reader.GetDateTime(6)));
                events[eventId] = e = new ClaimedEvent(type, occurredAt, EventBody.Compose(type, occurredAt, Encoding.UTF8.GetBytes(reader.GetString(7))),
                    reader.IsDBNull(8) ? null : reader.GetString(8));
            }
            claimed.Add(new ClaimedDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), eventId, e));
        }
        return claimed;
    }

    public async Task<HashSet<long>> RecordAsync(List<OutcomeDecision> decisions, CancellationToken cancellationToken)
    {
        var landed = new HashSet<long>();
        if (decisions.Count == 0)
            return landed;
        await using var record = RawCommand.Create(db, RecordSql,
            "@ids", "@ats", "@durations", "@succeeded", "@codes", "@excerpts", "@errors", "@traces", "@leases", "@statuses", "@nexts", "@completeds").With(
            decisions.Select(d => d.Work.Id).ToArray(), decisions.Select(d => d.Result.StartedAt).ToArray(),
            decisions.Select(d => d.Result.DurationMs).ToArray(), decisions.Select(d => d.Result.Succeeded).ToArray(),
            decisions.Select(d => d.Result.StatusCode).ToArray(), decisions.Select(d => d.Excerpt).ToArray(),
            decisions.Select(d => d.Error).ToArray(), decisions.Select(d => d.Result.TraceId).ToArray(),
            decisions.Select(d => d.Work.Lease).ToArray(), decisions.Select(d => (int)d.Status).ToArray(),
            decisions.Select(d => d.Next).ToArray(), decisions.Select(d => d.Completed).ToArray());
        await using var reader = await record.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            landed.Add(reader.GetInt64(0));
        return landed;
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
