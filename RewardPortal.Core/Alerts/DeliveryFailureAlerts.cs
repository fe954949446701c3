using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Alerts;

/// <summary>
/// Tells the Owner, in the app and by email, that deliveries failed for good. Under an outage hundreds fail together,
/// so alerts are coalesced: one per notification per hour; later failures in that hour update its count and send no email.
/// The alert is a row; <see cref="AlertMailer"/> emails it (at once, and again on its next run if that failed). Several
/// nodes raising the same alert together write one row: its <see cref="Alert.Key"/> is unique.
/// </summary>
public sealed class DeliveryFailureAlerts(
    IDbContextFactory<RewardPortalDbContext> dbFactory, AlertMailer mailer, TimeProvider clock, ILogger<DeliveryFailureAlerts> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    // Failures arrive from several engine turns at once; one at a time, the second finds the first's alert and updates it.
    private readonly SemaphoreSlim raising = new(1, 1);

    public static string Link(long notificationId) => $"/admin/deliveries?notification={notificationId}&status=failed";

    /// <param name="failures">Notification id and the last error, one entry per failed delivery.</param>
    public async Task DeliveriesFailedAsync(IReadOnlyList<(long NotificationId, string? Error)> failures, CancellationToken cancellationToken = default)
    {
        await raising.WaitAsync(cancellationToken);
        try
        {
            foreach (var group in failures.GroupBy(f => f.NotificationId))
            {
                try
                {
                    await AlertAsync(group.Key, group.Last().Error, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Could not raise the failure alert of notification {NotificationId}.", group.Key);
                }
            }
        }
        finally
        {
            raising.Release();
        }
    }

    /// <summary>
    /// A receiver answered 410 Gone and the engine turned its webhook off at <paramref name="turnedOffAt"/>: always worth
    /// an alert of its own, one per time it was turned off (only the node whose update turned it off calls this).
    /// </summary>
    public async Task WebhookGoneAsync(long notificationId, DateTime turnedOffAt, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var notification = await db.Notifications.AsNoTracking().FirstAsync(n => n.Id == notificationId, cancellationToken);
            var title = $"Webhook disabled: '{notification.Name}' ({notification.WebhookUrl}) answered 410 Gone";
            var body = "The receiver says this endpoint is gone, so the webhook was turned off and its queued deliveries failed. "
                + "Fix the URL in Settings > Notifications, enable it again and re-send the failed deliveries.";
            var key = $"webhook-gone:{notificationId}:{turnedOffAt.Ticks}";
            await RaiseAsync(db, key, title, body, Link(notificationId), Roles.Owner, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not raise the 410 alert of notification {NotificationId}.", notificationId);
        }
    }

    /// <summary>
    /// The recurring health check turned a webhook off at <paramref name="turnedOffAt"/> after failing every attempt
    /// since <paramref name="failingSince"/>: one alert per time it was turned off.
    /// </summary>
    public async Task WebhookAutoDisabledAsync(long notificationId, DateTime turnedOffAt, DateTime failingSince, string? lastError,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var notification = await db.Notifications.AsNoTracking().FirstAsync(n => n.Id == notificationId, cancellationToken);
            var title = $"Webhook disabled: '{notification.Name}' ({notification.WebhookUrl}) failed every delivery for 5 days";
            var body = $"Every attempt since {failingSince:u} failed (last error: {lastError ?? "none recorded"}), so the webhook was turned "
                + "off and its queued deliveries failed; nothing new is sent to it. Once the receiver works, use \"Re-enable and re-send\" "
                + "on the webhook in Settings > Notifications to send what failed.";
            await RaiseAsync(
                db, $"webhook-auto-disabled:{notificationId}:{turnedOffAt.Ticks}", title, body, "/settings/notifications", Roles.Owner, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not raise the auto-disable alert of notification {NotificationId}.", notificationId);
        }
    }

    private async Task AlertAsync(long notificationId, string? lastError, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var link = Link(notificationId);
        var since = now - Window;
        var existing = await db.Alerts.Where(a => a.Link == link && a.At >= since).OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var notification = await db.Notifications.AsNoTracking().FirstAsync(n => n.Id == notificationId, cancellationToken);
        var target = notification.Channel == NotificationChannel.Webhook
            ? $"the webhook '{notification.Name}' ({notification.WebhookUrl})"
            : $"the email notification '{notification.Name}'";
        // The alert counts the failures of its hour: those just before it was raised and those since.
        var from = (existing?.At ?? now) - Window;
        var failures = await db.Deliveries
            .Where(d => d.NotificationId == notificationId && d.Status == DeliveryStatus.Failed && d.CompletedAt >= from)
            .GroupBy(d => 1).Select(g => new { Count = g.Count(), First = g.Min(d => d.CompletedAt) })
            .FirstOrDefaultAsync(cancellationToken);
        var body = $"{failures?.Count ?? 1} deliveries to {target} failed after every retry since {failures?.First ?? now:u}. "
            + $"Last error: {lastError ?? "none recorded"}. Re-send them from the Deliveries page once the receiver is back.";
        if (existing is not null)
        {
            existing.Body = body;
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        // Webhooks are the Owner's; email notifications are also the Admins' to fix.
        var audience = notification.Channel == NotificationChannel.Webhook ? Roles.Owner : Roles.Admin;
        // Alerts of one notification are an hour apart at least, so their hours differ: only a race shares a key.
        await RaiseAsync(db, $"deliveries-failing:{notificationId}:{now:yyyyMMddHH}", $"Deliveries failing: {target}", body, link, audience, cancellationToken);
    }

    /// <summary>Writes the alert and has it emailed; if another node wrote the same one a moment ago, updates that one instead.</summary>
    private async Task RaiseAsync(
        RewardPortalDbContext db, string key, string title, string body, string link, string audience, CancellationToken cancellationToken)
    {
        db.Alerts.Add(new Alert
        {
            At = clock.GetUtcNow().UtcDateTime,
            Severity = AlertSeverity.Error,
            Title = title.Length > 300 ? title[..300] : title,
            Body = body,
            Link = link,
            Audience = audience,
            Key = key,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique key refused a second row: another node raised this alert just now, and its mailer sends it.
            if (await db.Alerts.Where(a => a.Key == key).ExecuteUpdateAsync(s => s.SetProperty(a => a.Body, body), cancellationToken) == 0)
                throw;
            return;
        }
        try
        {
            await mailer.SendPendingAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Raised the alert \"{Title}\"; its email goes out on the alert mailer's next run.", title);
        }
    }
}
