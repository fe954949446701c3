using RewardPortal.Core.Dashboard;

namespace RewardPortal.Core.Deliveries.Engine.Sqlite;

/// <summary>
/// The engine's statements on SQLite: prepared once on the loop's connection and run in-process, one small statement per
/// row (thousands a second). Lists of ids go in as one JSON array, read back with json_each.
/// </summary>
internal sealed class SqliteEngineQueries(SqliteEngineStatements sqlite) : IEngineQueries
{
    private const string NextDueSql = """
        SELECT "NextAttemptAt" FROM "Deliveries"
        WHERE "Status" = 0 AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now) AND "NotificationId" NOT IN (SELECT "value" FROM json_each(@excluded))
        ORDER BY "NextAttemptAt" LIMIT 1
        """;
    private const string ClaimSql = """
        UPDATE "Deliveries" SET "LeasedBy" = @lease, "LeasedUntil" = @until
        WHERE "Id" IN (
            SELECT "Id" FROM "Deliveries"
            WHERE "Status" = 0 AND "NextAttemptAt" <= @now AND ("LeasedUntil" IS NULL OR "LeasedUntil" < @now)
              AND "NotificationId" NOT IN (SELECT "value" FROM json_each(@excluded))
            ORDER BY "NextAttemptAt" LIMIT @limit)
        RETURNING "Id", "MessageId", "AttemptCount", "NotificationId", "EventId"
        """;
    private const string EventsSql = """
        SELECT "Id", "Type", "OccurredAt", "DataJson", "TraceParent" FROM "Events" WHERE "Id" IN (SELECT "value" FROM json_each(@ids))
        """;
    private const string UpdateSql = """
        UPDATE "Deliveries" SET "Status" = @status, "AttemptCount" = "AttemptCount" + 1, "LastAttemptAt" = @at, "LastStatusCode" = @code,
            "LastError" = @error, "NextAttemptAt" = @next, "CompletedAt" = @completed, "LeasedUntil" = NULL, "LeasedBy" = NULL
        WHERE "Id" = @id AND "LeasedBy" = @lease AND "Status" = 0
        """;
    private const string InsertSql = """
        INSERT INTO "DeliveryAttempts" ("DeliveryId", "StartedAt", "DurationMs", "Succeeded", "StatusCode", "ResponseExcerpt", "Error", "TraceId")
        VALUES (@id, @at, @duration, @succeeded, @code, @excerpt, @error, @trace)
        """;

    public Task<DateTime?> NextDueAsync(DateTime now, IReadOnlyCollection<long> excluded, CancellationToken cancellationToken)
    {
        DateTime? due = null;
        sqlite.Query(NextDueSql, row => due = row.Time(0), now, JsonIds(excluded));
        return Task.FromResult(due);
    }

    public Task<List<ClaimedDelivery>> ClaimAsync(
        string lease, DateTime leasedUntil, DateTime now, IReadOnlyCollection<long> excluded, int limit, CancellationToken cancellationToken)
    {
        var claimed = new List<(long Id, string MessageId, int AttemptCount, long NotificationId, long EventId)>(limit);
        sqlite.Query(ClaimSql, row => claimed.Add((row.Int64(0), row.Text(1), row.Int32(2), row.Int64(3), row.Int64(4))),
            lease, leasedUntil, now, JsonIds(excluded), limit);
        if (claimed.Count == 0)
            return Task.FromResult<List<ClaimedDelivery>>([]);
        var events = new Dictionary<long, ClaimedEvent>();
        sqlite.Query(EventsSql, row =>
        {
            var (type, occurredAt) = (row.Text(1), row.Time(2));
            events[row.Int64(0)] = new ClaimedEvent(type, occurredAt, EventBody.Compose(type, occurredAt, row.Utf8(3)), row.TextOrNull(4));
        }, JsonIds(claimed.Select(c => c.EventId).Distinct().ToList()));
        return Task.FromResult(
            claimed.Select(c => new ClaimedDelivery(c.Id, c.MessageId, c.AttemptCount, c.NotificationId, c.EventId, events[c.EventId])).ToList());
    }

    /// <summary>
    /// One prepared insert and update run per outcome. (A many-row VALUES list is slower here: SQLite looks each named
    /// parameter up in a list, so binding hundreds of them costs more than running the small statement again.) The
    /// dashboard's rollups count the batch afterwards, one statement per table, while their per-row triggers stand aside
    /// for these updates (<see cref="DailyFiguresSql"/>). An update lands only on a pending row, which the rollups had not
    /// counted, so the batch is only ever added.
    /// </summary>
    public Task<HashSet<long>> RecordAsync(List<OutcomeDecision> decisions, CancellationToken cancellationToken)
    {
        foreach (var d in decisions)
            sqlite.Execute(InsertSql, d.Work.Id, d.Result.StartedAt, d.Result.DurationMs, d.Result.Succeeded, d.Result.StatusCode, d.Excerpt, d.Error,
                d.Result.TraceId);
        var landed = new HashSet<long>();
        var finished = new List<long>();
        sqlite.Execute(DailyFiguresSql.SqliteDefer);
        foreach (var d in decisions)
            if (sqlite.Execute(UpdateSql, (int)d.Status, d.Result.StartedAt, d.Result.StatusCode, d.Error, d.Next, d.Completed, d.Work.Id, d.Work.Lease) > 0)
            {
                landed.Add(d.Work.Id);
                if (d.Status != DeliveryStatus.Pending)
                    finished.Add(d.Work.Id);
            }
        sqlite.Execute(DailyFiguresSql.SqliteResume);
        if (finished.Count > 0)
        {
            var ids = JsonIds(finished);
            sqlite.Execute(DailyFiguresSql.SqliteFoldFigures, ids);
            sqlite.Execute(DailyFiguresSql.SqliteFoldLatency, ids);
        }
        return Task.FromResult(landed);
    }

    private static string JsonIds(IReadOnlyCollection<long> ids) => $"[{string.Join(',', ids)}]";
}
