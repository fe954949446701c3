using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

/// <summary>An attempt's result for a claimed delivery; no result means the delivery is handed back unsent.</summary>
internal sealed record Outcome(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result);

/// <summary>What the written outcomes call for after the commit.</summary>
internal sealed record WrittenOutcomes(List<(long NotificationId, string? Error)> Failed, HashSet<long> Gone, DateTime? NextRetry)
{
    public static readonly WrittenOutcomes None = new([], [], null);
}

/// <summary>
/// Writes a batch of outcomes in the caller's transaction: one attempt row and one conditional update per delivery,
/// as plain prepared statements (thousands a second; EF's change tracking would cost more than the sends).
/// </summary>
internal sealed class OutcomeWriter(RetryPolicy policy, TimeProvider clock)
{
    // The update only lands while the lease is still this claim's: a node that lost its lease does not overwrite the new owner.
    private const string UpdateSql = """
        UPDATE "Deliveries" SET "Status" = @status, "AttemptCount" = "AttemptCount" + 1, "LastAttemptAt" = @at, "LastStatusCode" = @code,
            "LastError" = @error, "NextAttemptAt" = @next, "CompletedAt" = @completed, "LeasedUntil" = NULL, "LeasedBy" = NULL
        WHERE "Id" = @id AND "LeasedBy" = @lease
        """;
    private const string InsertSql = """
        INSERT INTO "DeliveryAttempts" ("DeliveryId", "StartedAt", "DurationMs", "Succeeded", "StatusCode", "ResponseExcerpt", "Error") VALUES
        """;
    private const int InsertRows = 50;
    private const string ReleaseSql = """UPDATE "Deliveries" SET "LeasedUntil" = NULL, "LeasedBy" = NULL WHERE "Id" = @id AND "LeasedBy" = @lease""";

    public async Task<WrittenOutcomes> WriteAsync(RewardPortalDbContext db, IReadOnlyList<Outcome> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return WrittenOutcomes.None;
        var now = clock.GetUtcNow().UtcDateTime;
        var written = new WrittenOutcomes([], [], null);
        DateTime? nextRetry = null;
        await using var update = RawCommand.Create(db, UpdateSql, "@status", "@at", "@code", "@error", "@next", "@completed", "@id", "@lease");
        await using var release = RawCommand.Create(db, ReleaseSql, "@id", "@lease");
        await InsertAttemptsAsync(db, batch.Where(o => o.Result is not null).ToList(), cancellationToken);

        foreach (var (work, target, result) in batch)
        {
            if (result is null)
            {
                Set(release, work.Id, work.Lease);
                await release.ExecuteNonQueryAsync(cancellationToken);
                continue;
            }
            var error = Truncate(result.Error, 2000);
            var (status, next) = policy.Decide(work.AttemptCount + 1, result, now);
            Set(update, (int)status, result.StartedAt, result.StatusCode, error, next, status == DeliveryStatus.Pending ? null : now, work.Id, work.Lease);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
                continue;
            if (result.Gone && target.Channel == NotificationChannel.Webhook)
                written.Gone.Add(work.NotificationId);
            else if (status == DeliveryStatus.Failed)
                written.Failed.Add((work.NotificationId, error));
            if (status == DeliveryStatus.Pending && (nextRetry is null || next < nextRetry))
                nextRetry = next;
        }
        foreach (var notificationId in written.Gone)
            await DisableGoneAsync(db, notificationId, now, cancellationToken);
        written.Failed.RemoveAll(f => written.Gone.Contains(f.NotificationId));
        return written with { NextRetry = nextRetry };
    }

    /// <summary>Attempt rows, many to a statement: the log of every attempt is the bulk of what the engine writes.</summary>
    private static async Task InsertAttemptsAsync(RewardPortalDbContext db, List<Outcome> attempted, CancellationToken cancellationToken)
    {
        for (var start = 0; start < attempted.Count; start += InsertRows)
        {
            var rows = attempted.Skip(start).Take(InsertRows).ToList();
            var names = new List<string>(rows.Count * 7);
            var sql = new System.Text.StringBuilder(InsertSql);
            for (var i = 0; i < rows.Count; i++)
            {
                string[] row = [$"@d{i}", $"@a{i}", $"@m{i}", $"@s{i}", $"@c{i}", $"@x{i}", $"@e{i}"];
                sql.Append(i == 0 ? "(" : ", (").Append(string.Join(", ", row)).Append(')');
                names.AddRange(row);
            }
            await using var insert = RawCommand.Create(db, sql.ToString(), [.. names]);
            var values = new List<object?>(names.Count);
            foreach (var (work, _, result) in rows)
                values.AddRange([work.Id, result!.StartedAt, result.DurationMs, result.Succeeded, result.StatusCode,
                    Truncate(result.ResponseExcerpt, 4096), Truncate(result.Error, 2000)]);
            Set(insert, [.. values]);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>410 Gone: the receiver says the endpoint is no more. Turn the webhook off and fail what it still had queued.</summary>
    private static async Task DisableGoneAsync(RewardPortalDbContext db, long notificationId, DateTime now, CancellationToken cancellationToken)
    {
        var reason = $"The receiver answered 410 Gone on {now:u}, so the webhook was turned off.";
        await db.Notifications.Where(n => n.Id == notificationId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsEnabled, false).SetProperty(n => n.DisabledReason, reason).SetProperty(n => n.UpdatedAt, now),
                cancellationToken);
        await db.Deliveries.Where(d => d.NotificationId == notificationId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.LastError, "Not sent: the receiver answered 410 Gone to an earlier delivery and the webhook was turned off.")
                .SetProperty(d => d.CompletedAt, now)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
    }

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static string? Truncate(string? value, int length) => value is { Length: > 0 } && value.Length > length ? value[..length] : value;
}
