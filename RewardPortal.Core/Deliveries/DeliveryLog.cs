using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

public sealed record DeliveryFilter(
    DeliveryStatus? Status = null, long? NotificationId = null, DateTime? From = null, DateTime? To = null, long? CampaignId = null);

/// <param name="Target">Where it goes: the webhook URL, or the email addresses of the notification's recipients.</param>
/// <param name="RedemptionId">The redemption the event is about, if it is about one.</param>
public sealed record DeliveryRow(
    long Id, string MessageId, long NotificationId, NotificationChannel Channel, string Target, string EventType, DeliveryStatus Status,
    int AttemptCount, DateTime CreatedAt, DateTime? LastAttemptAt, int? LastStatusCode, string? LastError, DateTime NextAttemptAt,
    DateTime? CompletedAt, long? RedemptionId = null, string NotificationName = "");

public sealed record DeliveryAttemptRow(long Id, DateTime StartedAt, int DurationMs, bool Succeeded, int? StatusCode, string? ResponseExcerpt, string? Error);

/// <summary>The delivery log, newest first: the Deliveries page and GET /api/v1/deliveries read it.</summary>
public sealed class DeliveryLog(IDbContextFactory<RewardPortalDbContext> dbFactory)
{
    public async Task<(List<DeliveryRow> Items, int Total)> SearchAsync(
        DeliveryFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Deliveries.AsNoTracking();
        if (filter.Status is { } status)
            query = query.Where(d => d.Status == status);
        if (filter.NotificationId is { } notificationId)
            query = query.Where(d => d.NotificationId == notificationId);
        if (filter.From is { } from)
            query = query.Where(d => d.CreatedAt >= from);
        if (filter.To is { } to)
            query = query.Where(d => d.CreatedAt < to);
        if (filter.CampaignId is { } campaignId)
            query = query.InCampaign(db, campaignId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(d => d.Id).Skip(skip).Take(Math.Clamp(take, 1, 500))
            .Select(d => new
            {
                d.Id, d.MessageId, d.NotificationId, d.Notification!.Channel, d.Notification.WebhookUrl, d.Notification.Description, d.Notification.Name,
                d.Notification.NotifyParticipant, Emails = d.Notification.Recipients.OrderBy(u => u.Email).Select(u => u.Email).ToList(), d.Event!.RedemptionId,
                d.Event.Type, d.Status, d.AttemptCount, d.CreatedAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.NextAttemptAt, d.CompletedAt,
            })
            .ToListAsync(cancellationToken);
        return (items.Select(d => new DeliveryRow(d.Id, d.MessageId, d.NotificationId, d.Channel,
            d.Channel == NotificationChannel.Webhook ? d.WebhookUrl ?? "" : EmailTarget(d.Emails, d.NotifyParticipant, d.Description, d.NotificationId),
            d.Type, d.Status, d.AttemptCount, d.CreatedAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.NextAttemptAt, d.CompletedAt, d.RedemptionId,
            d.Name)).ToList(), total);
    }

    private static string EmailTarget(List<string?> teamEmails, bool toParticipant, string? description, long notificationId)
    {
        var to = teamEmails.Where(e => e is not null).Cast<string>().ToList();
        if (toParticipant)
            to.Add("the participant");
        return to.Count > 0 ? string.Join(", ", to) : description ?? $"Email notification #{notificationId}";
    }

    public async Task<List<DeliveryAttemptRow>> AttemptsAsync(long deliveryId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Deliveries.AnyAsync(d => d.Id == deliveryId, cancellationToken))
            throw PortalException.NotFound("The delivery");
        return await db.DeliveryAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id)
            .Select(a => new DeliveryAttemptRow(a.Id, a.StartedAt, a.DurationMs, a.Succeeded, a.StatusCode, a.ResponseExcerpt, a.Error))
            .ToListAsync(cancellationToken);
    }
}
