using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Webhooks;

/// <summary>
/// Every hour (recurring job "webhooks-auto-disable"): turns off each webhook that <see cref="HealthFigures.ShouldDisable"/>
/// says has failed every attempt for five days, fails what it still had queued (re-sendable, as after a 410 Gone), and
/// tells the Owner. Safe to run twice and on several nodes: the update only turns off a webhook that is still on.
/// </summary>
public sealed class WebhookAutoDisableJob(
    IDbContextFactory<RewardPortalDbContext> dbFactory, WebhookHealthQueries health, DeliveryFailureAlerts alerts, TimeProvider clock,
    ILogger<WebhookAutoDisableJob> logger)
{
    public const string RecurringJobId = "webhooks-auto-disable";
    public const string Actor = "system (webhook health)";

    /// <returns>The webhooks this run turned off.</returns>
    [AutomaticRetry(Attempts = 0)]
    public async Task<List<long>> RunAsync(CancellationToken cancellationToken)
    {
        var turnedOff = new List<long>();
        foreach (var webhook in await health.ListAsync(enabledOnly: true, cancellationToken))
        {
            if (!HealthFigures.ShouldDisable(webhook.Health))
                continue;
            var now = clock.GetUtcNow().UtcDateTime;
            if (!await DisableAsync(webhook, now, cancellationToken))
                continue;
            turnedOff.Add(webhook.Id);
            logger.LogWarning("Turned off the webhook {NotificationId} ({Url}): every attempt since {FailingSince:u} failed.",
                webhook.Id, webhook.Url, webhook.Health.FailingSince);
            await alerts.WebhookAutoDisabledAsync(webhook.Id, now, webhook.Health.FailingSince!.Value, webhook.LastError?.Error, cancellationToken);
        }
        return turnedOff;
    }

    private async Task<bool> DisableAsync(WebhookHealthRow webhook, DateTime now, CancellationToken cancellationToken)
    {
        var reason = $"Turned off on {now:MMM d HH:mm} UTC: every attempt failed for 5 days, since {webhook.Health.FailingSince:MMM d HH:mm}.";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Notifications.Where(n => n.Id == webhook.Id && n.IsEnabled && !n.IsDeleted)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.IsEnabled, false)
                .SetProperty(n => n.DisabledAt, now)
                .SetProperty(n => n.DisabledReason, reason)
                .SetProperty(n => n.UpdatedAt, now), cancellationToken);
        if (updated == 0)
            return false;
        // Failed rather than left to retry into a dead endpoint: "Re-enable and re-send" brings them back from here.
        var dropped = await db.Deliveries.Where(d => d.NotificationId == webhook.Id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.LastError, "Not sent: the webhook was turned off after failing every delivery for 5 days.")
                .SetProperty(d => d.CompletedAt, now)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        db.Audit(Actor, "webhook.auto_disabled", nameof(Notification), webhook.Id,
            $"Webhook '{webhook.Name}' {webhook.Url}: {webhook.Health.ConsecutiveFailures} failed attempts since {webhook.Health.FailingSince:u}, "
            + $"last error: {webhook.LastError?.Error ?? "none recorded"}; {dropped} queued deliveries failed");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
