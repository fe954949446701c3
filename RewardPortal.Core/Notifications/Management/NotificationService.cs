using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Notifications.Management;

/// <summary>
/// Settings > Notifications, for the screens and the REST API alike. Email notifications are the Admins' and the
/// Owner's; webhooks and their secrets are the Owner's alone (<paramref name="isOwner"/> on each call says who acts).
/// Every change is audited; nothing is ever hard-deleted, so delivery history stays.
/// </summary>
public sealed class NotificationService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, WebhookAddressGuard guard, WebhookSender sender, TimeProvider clock)
{
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    public async Task<List<NotificationRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.Notifications.AsNoTracking().Where(n => !n.IsDeleted).OrderBy(n => n.Id)
            .Select(n => new
            {
                Notification = n,
                Recipients = n.Recipients.OrderBy(u => u.DisplayName).Select(u => new { u.Id, Name = u.DisplayName == "" ? u.Email : u.DisplayName }).ToList(),
                CampaignIds = n.Campaigns.OrderBy(c => c.Id).Select(c => c.Id).ToList(),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Notification.Id).ToList();
        // One index seek per notification ("NotificationId", "Id"), where a GROUP BY would walk every delivery ever made.
        var lastIds = await db.Notifications.Where(n => ids.Contains(n.Id))
            .Select(n => db.Deliveries.Where(d => d.NotificationId == n.Id).Max(d => (long?)d.Id))
            .Where(id => id != null).Select(id => id!.Value).ToListAsync(cancellationToken);
        var last = await db.Deliveries.AsNoTracking().Where(d => lastIds.Contains(d.Id))
            .Select(d => new { d.NotificationId, Last = new LastDelivery(d.Id, d.Status, d.LastAttemptAt ?? d.CreatedAt, d.LastStatusCode, d.LastError) })
            .ToDictionaryAsync(d => d.NotificationId, d => d.Last, cancellationToken);
        return rows.Select(r => new NotificationRow(
            r.Notification.Id, r.Notification.Name, r.Notification.Channel, r.Notification.EventTypes, r.Notification.RedemptionTypes,
            r.Recipients.Select(u => u.Id).ToList(), r.Recipients.Select(u => u.Name ?? "").ToList(), r.Notification.WebhookUrl,
            r.Notification.IsEnabled, r.Notification.DisabledReason, r.Notification.Description,
            r.Notification.PreviousSecret is not null && r.Notification.PreviousSecretExpiresAt > now,
            last.GetValueOrDefault(r.Notification.Id), r.Notification.NotifyParticipant, r.CampaignIds,
            r.Notification.Frequency, r.Notification.DigestHour)).ToList();
    }

    /// <summary>Who may receive emails: Owner, Admins and team members who are not disabled.</summary>
    public async Task<List<TeamMember>> TeamMembersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var staff = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, Role = r.Name })
            .Where(x => Roles.Staff.Contains(x.Role!))
            .Join(db.Users.Where(u => !u.IsDisabled), x => x.UserId, u => u.Id, (x, u) => new { u.Id, u.DisplayName, u.Email, x.Role })
            .ToListAsync(cancellationToken);
        return staff.GroupBy(s => s.Id)
            .Select(g => g.OrderBy(s => Roles.All.ToList().IndexOf(s.Role!)).First())
            .Select(s => new TeamMember(s.Id, string.IsNullOrWhiteSpace(s.DisplayName) ? s.Email ?? s.Id : s.DisplayName, s.Email ?? "", s.Role!))
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Every problem with the input, field by field: the rules, the recipients, and where the URL resolves to.</summary>
    public async Task<Dictionary<string, string>> ValidateAsync(NotificationInput input, CancellationToken cancellationToken = default)
    {
        var errors = NotificationRules.Validate(input);
        if (input.Channel == NotificationChannel.Email && !errors.ContainsKey("recipientIds"))
        {
            var members = (await TeamMembersAsync(cancellationToken)).Select(m => m.Id).ToHashSet();
            if (input.RecipientIds.Any(id => !members.Contains(id)))
                errors["recipientIds"] = "Every recipient must be a team member, admin or the owner who is not disabled.";
        }
        if (input.Campaigns.Count > 0 && !errors.ContainsKey("campaignIds"))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var wanted = input.Campaigns.Distinct().ToList();
            var known = await db.Campaigns.Where(c => wanted.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
            if (known.Count != wanted.Count)
                errors["campaignIds"] = $"These are not campaigns of this program: {string.Join(", ", wanted.Except(known).Order())}.";
        }
        if (input.Channel == NotificationChannel.Webhook && !errors.ContainsKey("webhookUrl")
            && await guard.CheckAsync(input.WebhookUrl, cancellationToken) is { } refusal)
            errors["webhookUrl"] = refusal;
        return errors;
    }

    public async Task<CreatedNotification> CreateAsync(NotificationInput input, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        EnsureAllowed(input.Channel, isOwner);
        await ThrowIfInvalidAsync(input, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var notification = new Notification { Channel = input.Channel, CreatedAt = now };
        await ApplyAsync(db, notification, input, now, cancellationToken);
        if (input.Channel == NotificationChannel.Webhook)
            notification.Secret = WebhookSecret.New();
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        db.Audit(actor, "notification.created", nameof(Notification), notification.Id, Describe(notification));
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedNotification(notification.Id, notification.Secret);
    }

    public async Task UpdateAsync(long id, NotificationInput input, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindAsync(db, id, isOwner, cancellationToken, includeRecipients: true);
        if (input.Channel != notification.Channel)
            throw PortalException.Invalid("A notification cannot change between email and webhook; add a new one instead.", "channel");
        await ThrowIfInvalidAsync(input, cancellationToken);
        await ApplyAsync(db, notification, input, clock.GetUtcNow().UtcDateTime, cancellationToken);
        db.Audit(actor, "notification.updated", nameof(Notification), id, Describe(notification));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Turning a notification off stops new deliveries; what is already queued still goes.</summary>
    public async Task SetEnabledAsync(long id, bool enabled, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindAsync(db, id, isOwner, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (notification.IsEnabled != enabled)
            notification.DisabledAt = enabled ? null : now;
        notification.IsEnabled = enabled;
        notification.DisabledReason = null;
        notification.UpdatedAt = now;
        db.Audit(actor, enabled ? "notification.enabled" : "notification.disabled", nameof(Notification), id, Describe(notification));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A soft delete: the notification and its delivery history stay for the log. Its queued deliveries fail with a
    /// clear reason, since nobody wants them sent any more; they can still be re-sent by hand.
    /// </summary>
    public async Task DeleteAsync(long id, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindAsync(db, id, isOwner, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        notification.IsDeleted = true;
        notification.IsEnabled = false;
        notification.UpdatedAt = now;
        var dropped = await db.Deliveries.Where(d => d.NotificationId == id && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.LastError, "Not sent: the notification was deleted.")
                .SetProperty(d => d.CompletedAt, now)
                .SetProperty(d => d.LeasedBy, (string?)null)
                .SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
        db.Audit(actor, "notification.deleted", nameof(Notification), id, $"{Describe(notification)}; {dropped} queued deliveries dropped");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<string> RevealSecretAsync(long id, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindWebhookAsync(db, id, isOwner, cancellationToken);
        db.Audit(actor, "webhook.secret.revealed", nameof(Notification), id);
        await db.SaveChangesAsync(cancellationToken);
        return notification.Secret!;
    }

    /// <summary>A new secret signs from now on; the old one keeps signing beside it for 24 hours, so receivers can switch over.</summary>
    public async Task<string> RotateSecretAsync(long id, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindWebhookAsync(db, id, isOwner, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        notification.PreviousSecret = notification.Secret;
        notification.PreviousSecretExpiresAt = now + RotationOverlap;
        notification.Secret = WebhookSecret.New();
        notification.UpdatedAt = now;
        db.Audit(actor, "webhook.secret.rotated", nameof(Notification), id, $"the old secret signs until {notification.PreviousSecretExpiresAt:u}");
        await db.SaveChangesAsync(cancellationToken);
        return notification.Secret;
    }

    /// <summary>Sends a signed webhook.test event now and answers what the receiver said. It is not a delivery: nothing is queued or retried.</summary>
    public async Task<WebhookTestResult> SendTestAsync(long id, string actor, bool isOwner, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notification = await FindWebhookAsync(db, id, isOwner, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var data = JsonSerializer.Serialize(
            new { notificationId = id, message = "A test from RewardPortal: if you can read this, the webhook works." }, PortalJson.Options);
        var secrets = new List<string> { notification.Secret! };
        if (notification.PreviousSecret is not null && notification.PreviousSecretExpiresAt > now)
            secrets.Add(notification.PreviousSecret);
        var result = await sender.SendAsync(
            new WebhookRequest(notification.WebhookUrl!, EventRecorder.NewMessageId(), WebhookBody.Compose(EventTypes.Test, now, data), secrets),
            cancellationToken);
        db.Audit(actor, "webhook.tested", nameof(Notification), id, result.Succeeded ? $"HTTP {result.StatusCode}" : result.Error);
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookTestResult(result.Succeeded, result.StatusCode, result.ResponseExcerpt, result.Error, result.DurationMs);
    }

    private async Task ThrowIfInvalidAsync(NotificationInput input, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(input, cancellationToken);
        if (errors.Count > 0)
            throw PortalException.Invalid(errors);
    }

    private static async Task ApplyAsync(
        RewardPortalDbContext db, Notification notification, NotificationInput input, DateTime now, CancellationToken cancellationToken)
    {
        var email = input.Channel == NotificationChannel.Email;
        notification.Name = input.Name.Trim();
        notification.NotifyParticipant = email && input.NotifyParticipant;
        notification.Frequency = email ? input.Frequency : NotificationFrequency.EveryTime;
        notification.DigestHour = notification.Frequency == NotificationFrequency.Daily ? input.DigestHour : null;
        notification.EventTypes = input.EventTypes.Distinct().ToList();
        notification.RedemptionTypes = email ? input.RedemptionTypes.Distinct().Order().ToList() : [];
        notification.WebhookUrl = email ? null : input.WebhookUrl!.Trim();
        notification.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (input.IsEnabled != notification.IsEnabled)
            (notification.DisabledReason, notification.DisabledAt) = (null, input.IsEnabled ? null : now);
        notification.IsEnabled = input.IsEnabled;
        notification.UpdatedAt = now;
        var recipientIds = email ? input.RecipientIds.Distinct().ToList() : [];
        notification.Recipients = await db.Users.Where(u => recipientIds.Contains(u.Id)).ToListAsync(cancellationToken);
        var campaignIds = input.EventTypes.Any(EventTypes.BelongsToCampaign) ? input.Campaigns.Distinct().ToList() : [];
        notification.Campaigns = await db.Campaigns.Where(c => campaignIds.Contains(c.Id)).ToListAsync(cancellationToken);
    }

    private static async Task<Notification> FindAsync(
        RewardPortalDbContext db, long id, bool isOwner, CancellationToken cancellationToken, bool includeRecipients = false)
    {
        IQueryable<Notification> query = includeRecipients ? db.Notifications.Include(n => n.Recipients).Include(n => n.Campaigns) : db.Notifications;
        var notification = await query.FirstOrDefaultAsync(n => n.Id == id && !n.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The notification");
        EnsureAllowed(notification.Channel, isOwner);
        return notification;
    }

    private static async Task<Notification> FindWebhookAsync(RewardPortalDbContext db, long id, bool isOwner, CancellationToken cancellationToken)
    {
        var notification = await FindAsync(db, id, isOwner, cancellationToken);
        if (notification.Channel != NotificationChannel.Webhook || notification.Secret is null)
            throw PortalException.Invalid("Only webhooks have a secret token.");
        return notification;
    }

    /// <summary>Webhooks are the Owner's: the API answers 403 to this, the screens never offer it.</summary>
    private static void EnsureAllowed(NotificationChannel channel, bool isOwner)
    {
        if (channel == NotificationChannel.Webhook && !isOwner)
            throw new UnauthorizedAccessException("Only the Owner creates, edits and deletes webhooks and sees their tokens.");
    }

    private static string Describe(Notification n)
    {
        var what = n.Channel == NotificationChannel.Webhook
            ? $"Webhook '{n.Name}' {n.WebhookUrl}"
            : $"Email '{n.Name}' to {n.Recipients.Count} team member(s){(n.NotifyParticipant ? " and the participant" : "")} for "
                + $"{string.Join(", ", n.RedemptionTypes)}"
              + (n.Frequency == NotificationFrequency.Daily ? $", a daily digest at {n.DigestHour:00}:00" : "");
        return $"{what} on {string.Join(", ", n.EventTypes)}, {(n.IsEnabled ? "enabled" : "disabled")}";
    }
}
