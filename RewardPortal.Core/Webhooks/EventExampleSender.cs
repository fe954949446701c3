using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Webhooks;

/// <summary>
/// Sends an event's example body to a webhook, signed with its secret as a real delivery is, with <c>"test": true</c> in
/// the body so the receiver can tell it apart. Nothing is queued, retried or counted as a delivery.
/// </summary>
public sealed class EventExampleSender(IDbContextFactory<RewardPortalDbContext> dbFactory, WebhookSender sender, TimeProvider clock)
{
    public async Task<WebhookTestResult> SendAsync(string eventType, long webhookId, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        var definition = EventCatalog.Find(eventType) ?? throw PortalException.Invalid($"'{eventType}' is not an event type.", "eventType");
        if (!isOwner)
            throw new UnauthorizedAccessException("Only the Owner sends to webhooks by hand.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await db.Notifications.FirstOrDefaultAsync(
                n => n.Id == webhookId && !n.IsDeleted && n.Channel == NotificationChannel.Webhook, cancellationToken)
            ?? throw PortalException.NotFound("The webhook");

        var now = clock.GetUtcNow().UtcDateTime;
        var body = definition.ExampleBody(now);
        body["test"] = true;
        var secrets = new List<string> { webhook.Secret! };
        if (webhook.PreviousSecret is not null && webhook.PreviousSecretExpiresAt > now)
            secrets.Add(webhook.PreviousSecret);
        var result = await sender.SendAsync(
            new WebhookRequest(webhook.WebhookUrl!, EventRecorder.NewMessageId(), Encoding.UTF8.GetBytes(body.ToJsonString()), secrets), cancellationToken);
        db.Audit(actor, "webhook.example_sent", nameof(Notification), webhookId,
            $"{eventType}: {(result.Succeeded ? $"HTTP {result.StatusCode}" : result.Error)}");
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookTestResult(result.Succeeded, result.StatusCode, result.ResponseExcerpt, result.Error, result.DurationMs);
    }
}
