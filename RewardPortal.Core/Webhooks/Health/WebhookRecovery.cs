using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Webhooks;

/// <summary>What "Re-enable and re-send" did: the webhook is on, and this many failed deliveries since then go again.</summary>
public sealed record WebhookRecoveryResult(long WebhookId, DateTime Since, int Resent);

/// <summary>
/// "Re-enable and re-send what failed since ...", the Owner's one action on a webhook that was turned off: it goes back
/// on and its failed deliveries since then are queued again, with their webhook-ids, in one transaction, through the same
/// requeue as "Re-send all failed since" (<see cref="FailedDeliveries"/>).
/// </summary>
public sealed class WebhookRecovery(IDbContextFactory<RewardPortalDbContext> dbFactory, IDeliverySignal signal, TimeProvider clock)
{
    /// <summary>Where "since" starts unless told: when the webhook was turned off.</summary>
    public async Task<DateTime?> DefaultSinceAsync(long webhookId, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await FindAsync(db, webhookId, isOwner, cancellationToken);
        return webhook.IsEnabled ? null : webhook.DisabledAt ?? webhook.UpdatedAt;
    }

    /// <summary>How many deliveries the action would re-send: what the confirmation says.</summary>
    public async Task<int> CountAsync(long webhookId, DateTime? since, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await FindAsync(db, webhookId, isOwner, cancellationToken);
        return await FailedDeliveries.Since(db, Since(webhook, since), webhookId).CountAsync(cancellationToken);
    }

    public async Task<WebhookRecoveryResult> ReenableAndResendAsync(long webhookId, DateTime? since, string actor, bool isOwner,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await FindAsync(db, webhookId, isOwner, cancellationToken);
        var from = Since(webhook, since);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var wasEnabled = webhook.IsEnabled;
        webhook.IsEnabled = true;
        webhook.DisabledReason = null;
        webhook.DisabledAt = null;
        webhook.UpdatedAt = now;
        var resent = await FailedDeliveries.RequeueAsync(FailedDeliveries.Since(db, from, webhookId), now, cancellationToken);
        db.Audit(actor, "webhook.reenabled_and_resent", nameof(Notification), webhookId,
            $"Webhook '{webhook.Name}' {webhook.WebhookUrl}{(wasEnabled ? " (already enabled)" : " enabled again")}; "
                + $"{resent} failed deliveries since {from:u} re-sent");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.DeliveriesWritten();
        return new WebhookRecoveryResult(webhookId, from, resent);
    }

    private DateTime Since(Notification webhook, DateTime? since)
    {
        if (since is { } given)
        {
            var utc = given.Kind == DateTimeKind.Local ? given.ToUniversalTime() : DateTime.SpecifyKind(given, DateTimeKind.Utc);
            if (utc > clock.GetUtcNow().UtcDateTime)
                throw PortalException.Invalid("Since must not be in the future.", "since");
            return utc;
        }
        if (webhook.IsEnabled)
            throw PortalException.Invalid("The webhook is enabled: say since when its failed deliveries should be re-sent.", "since");
        return webhook.DisabledAt ?? webhook.UpdatedAt;
    }

    private static async Task<Notification> FindAsync(RewardPortalDbContext db, long id, bool isOwner, CancellationToken cancellationToken)
    {
        if (!isOwner)
            throw new UnauthorizedAccessException("Only the Owner re-enables webhooks and re-sends their deliveries.");
        return await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.Channel == NotificationChannel.Webhook && !n.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The webhook");
    }
}
