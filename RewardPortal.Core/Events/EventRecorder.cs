using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Events;

/// <summary>What an event is about, for matching it to notifications.</summary>
/// <param name="CampaignId">The campaign points were awarded in, or a participant was added to.</param>
public record EventSubject(
    long? RedemptionId = null, long? ParticipantId = null, long? RewardId = null, RewardType? RewardType = null, long? CampaignId = null);

/// <summary>
/// The outbox: adds an event and one pending delivery per matching notification to the caller's context, so that they
/// commit (or roll back) with the change they describe. After the commit, call <see cref="IDeliverySignal.DeliveriesWritten"/>.
/// </summary>
public sealed class EventRecorder(TimeProvider clock)
{
    public async Task<OutboxEvent> RecordAsync<TData>(
        RewardPortalDbContext db, string type, TData data, EventSubject subject, CancellationToken cancellationToken = default) =>
        Add(db, type, data, subject, await MatchingNotificationsAsync(db, type, subject, cancellationToken));

    /// <summary>
    /// The notifications an event would go to, read ahead so that a hot write transaction does not have to: pass them
    /// to <see cref="Record{TData}"/>. The subject's ids may be left out here; the reward and its type are what count.
    /// </summary>
    public Task<List<Notification>> MatchAsync(RewardPortalDbContext db, string type, EventSubject subject, CancellationToken cancellationToken = default) =>
        MatchingNotificationsAsync(db, type, subject, cancellationToken);

    /// <summary>Like <see cref="RecordAsync{TData}"/>, with the notifications matched beforehand by <see cref="MatchAsync"/>.</summary>
    public OutboxEvent Record<TData>(RewardPortalDbContext db, string type, TData data, EventSubject subject, List<Notification> matching) =>
        Add(db, type, data, subject, matching);

    /// <summary>
    /// Records many events of one type at once (an import): like <see cref="RecordAsync{TData}"/> for each, but the
    /// notifications are matched once per distinct reward rather than once per event.
    /// </summary>
    public async Task RecordAllAsync<TData>(RewardPortalDbContext db, string type, IEnumerable<(TData Data, EventSubject Subject)> events,
        CancellationToken cancellationToken = default)
    {
        var matches = new Dictionary<(long?, RewardType?, long?), List<Notification>>();
        foreach (var (data, subject) in events)
        {
            if (!matches.TryGetValue((subject.RewardId, subject.RewardType, subject.CampaignId), out var matching))
                matches[(subject.RewardId, subject.RewardType, subject.CampaignId)] = matching = await MatchingNotificationsAsync(
                    db, type, subject, cancellationToken);
            Add(db, type, data, subject, matching);
        }
    }

    private OutboxEvent Add<TData>(RewardPortalDbContext db, string type, TData data, EventSubject subject, List<Notification> matching)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outboxEvent = new OutboxEvent
        {
            Type = type,
            OccurredAt = now,
            DataJson = JsonSerializer.Serialize(data, PortalJson.Options),
            RedemptionId = subject.RedemptionId,
            ParticipantId = subject.ParticipantId,
            RewardId = subject.RewardId,
            RewardType = subject.RewardType,
            CampaignId = subject.CampaignId,
            TraceParent = TraceParentToKeep(),
        };
        db.Events.Add(outboxEvent);
        foreach (var notification in matching)
        {
            db.Deliveries.Add(new Delivery
            {
                Event = outboxEvent,
                NotificationId = notification.Id,
                MessageId = NewMessageId(),
                Status = DeliveryStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }
        return outboxEvent;
    }

    /// <summary>
    /// The current span's traceparent when it is recorded (sampled for tracing). ASP.NET Core starts a span for every
    /// request even without tracing, for its log scopes; keeping that one would cost every event a column for nothing.
    /// </summary>
    private static string? TraceParentToKeep() => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

    public static string NewMessageId() => "msg_" + Guid.CreateVersion7().ToString("N");

    /// <summary>
    /// The rules of the products this replaces: a notification must be enabled and listen to the event; for redemption
    /// events its redemption-type filter applies, and a webhook fires only for rewards that have it assigned.
    /// Emails need no assignment. For events that belong to a campaign, a notification limited to campaigns fires only
    /// for events of one of them: an unrestricted reward's redemption belongs to no campaign, so only "all" gets it.
    /// Daily digests get no delivery per event: the digest job matches the day's events to them by these same rules.
    /// </summary>
    internal static async Task<List<Notification>> MatchingNotificationsAsync(
        RewardPortalDbContext db, string type, EventSubject subject, CancellationToken cancellationToken,
        NotificationFrequency frequency = NotificationFrequency.EveryTime)
    {
        var candidates = await db.Notifications.AsNoTracking()
            .Where(n => n.IsEnabled && !n.IsDeleted && n.Frequency == frequency)
            .Select(n => new
            {
                Notification = n,
                Assigned = subject.RewardId != null && n.Rewards.Any(r => r.Id == subject.RewardId),
                CampaignIds = n.Campaigns.Select(c => c.Id).ToList(),
            })
            .ToListAsync(cancellationToken);
        candidates.RemoveAll(c => !c.Notification.EventTypes.Contains(type));

        var eventCampaigns = EventTypes.BelongsToCampaign(type) && candidates.Any(c => c.CampaignIds.Count > 0)
            ? await EventCampaignsAsync(db, type, subject, cancellationToken)
            : [];
        var redemptionEvent = EventTypes.IsRedemptionEvent(type);
        return candidates
            .Where(c => c.CampaignIds.Count == 0 || !EventTypes.BelongsToCampaign(type) || c.CampaignIds.Intersect(eventCampaigns).Any())
            .Where(c => !redemptionEvent || c.Notification.RedemptionTypes.Count == 0
                || (subject.RewardType is { } rewardType && c.Notification.RedemptionTypes.Contains(rewardType)))
            .Where(c => !redemptionEvent || c.Notification.Channel != NotificationChannel.Webhook || c.Assigned)
            .Select(c => c.Notification)
            .ToList();
    }

    private static async Task<List<long>> EventCampaignsAsync(RewardPortalDbContext db, string type, EventSubject subject, CancellationToken cancellationToken)
    {
        if (!EventTypes.TakesCampaignsFromReward(type))
            return subject.CampaignId is { } campaignId ? [campaignId] : [];
        if (subject.RewardId is not { } rewardId)
            return [];
        return await db.Rewards.Where(r => r.Id == rewardId).SelectMany(r => r.Campaigns.Select(c => c.Id)).ToListAsync(cancellationToken);
    }
}
