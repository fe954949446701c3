using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Operations;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>An attempt's result for a claimed delivery; no result means the delivery is handed back unsent.</summary>
internal sealed record Outcome(DeliveryWork Work, DeliveryTarget Target, AttemptResult? Result);

/// <summary>
/// What the written outcomes call for after the commit: failure alerts, an alert for each webhook this batch turned
/// off because its receiver answered 410 Gone (with when), and the next retry's wake-up.
/// </summary>
internal sealed record WrittenOutcomes(List<FailedDelivery> Failed, List<(long NotificationId, DateTime At)> TurnedOff, DateTime? NextRetry)
{
    public static readonly WrittenOutcomes None = new([], [], null);
}

/// <summary>A delivery that failed for good, with what its log line and alert name.</summary>
internal sealed record FailedDelivery(long DeliveryId, string MessageId, long NotificationId, string? Error);

/// <summary>
/// Writes a batch of outcomes in the caller's transaction: one attempt row and one conditional update per delivery,
/// through the provider's <see cref="IEngineQueries"/>. EF's change tracking would cost more than the sends.
/// </summary>
internal sealed class OutcomeWriter(RetryPolicy policy, TimeProvider clock, PortalMetrics metrics)
{
    private const string ReleaseSql = """UPDATE "Deliveries" SET "LeasedUntil" = NULL, "LeasedBy" = NULL WHERE "Id" = @id AND "LeasedBy" = @lease""";

    /// <summary>Writes in the caller's transaction, with the statements on the loop's connection.</summary>
    public async Task<WrittenOutcomes> WriteAsync(
        RewardPortalDbContext db, IEngineQueries queries, IReadOnlyList<Outcome> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return WrittenOutcomes.None;
        var now = clock.GetUtcNow().UtcDateTime;
        var decisions = batch.Where(o => o.Result is not null).Select(o =>
        {
            var (status, next) = policy.Decide(o.Work.AttemptCount + 1, o.Result!, now);
            return new OutcomeDecision(o, status, next, status == DeliveryStatus.Pending ? null : now, Truncate(o.Result!.Error, 2000));
        }).ToList();

        var landed = await queries.RecordAsync(decisions, cancellationToken);
        await ReleaseAsync(db, batch.Where(o => o.Result is null).ToList(), cancellationToken);

        var written = new WrittenOutcomes([], [], null);
        var gone = new HashSet<long>();
        DateTime? nextRetry = null;
        foreach (var decision in decisions.Where(d => landed.Contains(d.Work.Id)))
        {
            metrics.Attempt(decision.Outcome.Target.Channel, decision.Result, decision.Status, decision.Work.OccurredAt);
            if (decision.Result.Gone && decision.Outcome.Target.Channel == NotificationChannel.Webhook)
                gone.Add(decision.Work.NotificationId);
            else if (decision.Status == DeliveryStatus.Failed)
                written.Failed.Add(new FailedDelivery(decision.Work.Id, decision.Work.MessageId, decision.Work.NotificationId, decision.Error));
            if (decision.Status == DeliveryStatus.Pending && (nextRetry is null || decision.Next < nextRetry))
                nextRetry = decision.Next;
        }
        foreach (var notificationId in gone)
            if (await DisableGoneAsync(db, notificationId, now, cancellationToken))
            {
                written.TurnedOff.Add((notificationId, now));
                metrics.WebhookDisabled();
            }
        written.Failed.RemoveAll(f => gone.Contains(f.NotificationId));
        return written with { NextRetry = nextRetry };
    }

    /// <summary>Sends that never started (the node is stopping): the lease is given back, and no attempt is counted.</summary>
    private static async Task ReleaseAsync(RewardPortalDbContext db, List<Outcome> unsent, CancellationToken cancellationToken)
    {
        if (unsent.Count == 0)
            return;
        await using var release = RawCommand.Create(db, ReleaseSql, "@id", "@lease");
        foreach (var outcome in unsent)
            await release.With(outcome.Work.Id, outcome.Work.Lease).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// 410 Gone: the receiver says the endpoint is no more. Turn the webhook off and fail what it still had queued.
    /// </summary>
    /// <returns>
    /// Whether this call turned it off: of several nodes meeting the same 410 only one does (the others find it off
    /// already), and that one raises the alert.
    /// </returns>
    private static async Task<bool> DisableGoneAsync(RewardPortalDbContext db, long notificationId, DateTime now, CancellationToken cancellationToken)
    {
        var reason = $"The receiver answered 410 Gone on {now:u}, so the webhook was turned off.";
        var turnedOff = await db.Notifications.Where(n => n.Id == notificationId && n.IsEnabled)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.IsEnabled, false).SetProperty(n => n.DisabledReason, reason)
                .SetProperty(n => n.DisabledAt, now).SetProperty(n => n.UpdatedAt, now), cancellationToken);
        await db.Deliveries.Where(d => d.NotificationId == notificationId && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.LastError, "Not sent: the receiver answered 410 Gone to an earlier delivery and the webhook was turned off.")
                .SetProperty(d => d.CompletedAt, now)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        return turnedOff > 0;
    }

    /// <summary>At most <paramref name="length"/> characters, never cutting a surrogate pair in two (half of one is not text).</summary>
    internal static string? Truncate(string? value, int length)
    {
        if (value is null || value.Length <= length)
            return value;
        return value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)];
    }
}
