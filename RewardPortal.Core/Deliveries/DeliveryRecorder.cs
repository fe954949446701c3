using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// Writes outcomes in batches: whatever finished while the previous batch was being written goes into one transaction
/// (an attempt row and a conditional update of the delivery each), so the database keeps up with thousands of sends a second.
/// </summary>
internal sealed class DeliveryRecorder(
    IDbContextFactory<RewardPortalDbContext> dbFactory, RetryPolicy policy, DeliveryFailureAlerts alerts, DeliveryJobScheduler scheduler,
    TimeProvider clock, ILogger logger, Action retriesWritten)
{
    public const int MaxBatch = 500;

    // The update only lands while the lease is still this claim's: a node that lost its lease does not overwrite the new owner.
    private const string UpdateSql = """
        UPDATE "Deliveries" SET "Status" = @status, "AttemptCount" = "AttemptCount" + 1, "LastAttemptAt" = @at, "LastStatusCode" = @code,
            "LastError" = @error, "NextAttemptAt" = @next, "CompletedAt" = @completed, "LeasedUntil" = NULL, "LeasedBy" = NULL
        WHERE "Id" = @id AND "LeasedBy" = @lease
        """;
    private const string InsertSql = """
        INSERT INTO "DeliveryAttempts" ("DeliveryId", "StartedAt", "DurationMs", "Succeeded", "StatusCode", "ResponseExcerpt", "Error")
        VALUES (@id, @at, @duration, @succeeded, @code, @excerpt, @error)
        """;
    private const string ReleaseSql = """UPDATE "Deliveries" SET "LeasedUntil" = NULL, "LeasedBy" = NULL WHERE "Id" = @id AND "LeasedBy" = @lease""";

    private readonly Channel<(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result)> outcomes =
        Channel.CreateBounded<(DeliveryWork, DeliveryTarget, AttemptResult?)>(new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true });

    public ValueTask RecordAsync(DeliveryWork work, DeliveryTarget target, AttemptResult result) => outcomes.Writer.WriteAsync((work, target, result));

    /// <summary>Hands a claimed delivery back unsent (its lease was about to run out before its turn came).</summary>
    public ValueTask ReleaseAsync(DeliveryWork work, DeliveryTarget target) => outcomes.Writer.WriteAsync((work, target, null));

    public void Complete() => outcomes.Writer.TryComplete();

    /// <summary>Runs until <see cref="Complete"/>, then writes what is left: outcomes are never dropped at shutdown.</summary>
    public async Task RunAsync()
    {
        var batch = new List<(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result)>(MaxBatch);
        while (await outcomes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && outcomes.Reader.TryRead(out var item))
                batch.Add(item);
            await WriteWithRetriesAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteWithRetriesAsync(List<(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result)> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch);
                return;
            }
            catch (Exception e) when (attempt < 5 && e is DbException or InvalidOperationException)
            {
                logger.LogWarning(e, "Writing {Count} delivery outcomes failed (try {Attempt}); trying again.", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
            catch (Exception e)
            {
                // The leases run out and the deliveries are sent again: at least once, never lost.
                logger.LogError(e, "Could not record {Count} delivery outcomes; they will be retried when their leases expire.", batch.Count);
                return;
            }
        }
    }

    private async Task WriteAsync(List<(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result)> batch)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var failed = new List<(long NotificationId, string? Error)>();
        var gone = new HashSet<long>();
        DateTime? nextRetry = null;

        await using var db = await dbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();
        await using var update = Command(connection, dbTransaction, UpdateSql, "@status", "@at", "@code", "@error", "@next", "@completed", "@id", "@lease");
        await using var insert = Command(connection, dbTransaction, InsertSql, "@id", "@at", "@duration", "@succeeded", "@code", "@excerpt", "@error");
        await using var release = Command(connection, dbTransaction, ReleaseSql, "@id", "@lease");

        foreach (var (work, target, result) in batch)
        {
            if (result is null)
            {
                Set(release, work.Id, work.Lease);
                await release.ExecuteNonQueryAsync();
                continue;
            }
            var error = Truncate(result.Error, 2000);
            Set(insert, work.Id, result.StartedAt, result.DurationMs, result.Succeeded, result.StatusCode, Truncate(result.ResponseExcerpt, 4096), error);
            await insert.ExecuteNonQueryAsync();

            var (status, next) = policy.Decide(work.AttemptCount + 1, result, now);
            Set(update, (int)status, result.StartedAt, result.StatusCode, error, next, status == DeliveryStatus.Pending ? null : now, work.Id, work.Lease);
            if (await update.ExecuteNonQueryAsync() == 0)
                continue;
            if (status == DeliveryStatus.Failed)
                failed.Add((work.NotificationId, error));
            if (status == DeliveryStatus.Pending && (nextRetry is null || next < nextRetry))
                nextRetry = next;
            if (result.Gone && target.Channel == NotificationChannel.Webhook)
                gone.Add(work.NotificationId);
        }
        foreach (var notificationId in gone)
            await DisableGoneAsync(db, notificationId, now);
        await transaction.CommitAsync();

        if (nextRetry is { } at)
        {
            retriesWritten();
            scheduler.WakeAt(at);
        }
        foreach (var notificationId in gone)
            await alerts.WebhookGoneAsync(notificationId);
        if (failed.Count > 0)
            await alerts.DeliveriesFailedAsync(failed.Where(f => !gone.Contains(f.NotificationId)).ToList());
    }

    /// <summary>410 Gone: the receiver says the endpoint is no more. Turn the webhook off and fail what it still had queued.</summary>
    private static async Task DisableGoneAsync(RewardPortalDbContext db, long notificationId, DateTime now)
    {
        var reason = $"The receiver answered 410 Gone on {now:u}, so the webhook was turned off.";
        await db.Notifications.Where(n => n.Id == notificationId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsEnabled, false).SetProperty(n => n.DisabledReason, reason).SetProperty(n => n.UpdatedAt, now));
        await db.Deliveries.Where(d => d.NotificationId == notificationId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.LastError, "Not sent: the receiver answered 410 Gone to an earlier delivery and the webhook was turned off.")
                .SetProperty(d => d.CompletedAt, now)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null));
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static string? Truncate(string? value, int length) => value is { Length: > 0 } && value.Length > length ? value[..length] : value;
}
