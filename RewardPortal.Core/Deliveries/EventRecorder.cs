using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// The outbox: adds an event and one pending delivery per matching notification to the caller's context, so that they
/// commit (or roll back) with the change they describe. After the commit, call <see cref="IDeliverySignal.DeliveriesWritten"/>.
/// </summary>
public sealed class EventRecorder(TimeProvider clock, NotificationMatcherCache? matcherCache = null)
{
    private readonly NotificationMatcherCache matchers = matcherCache ?? new();

    public async Task<OutboxEvent> RecordAsync<TData>(
        RewardPortalDbContext db, string type, TData data, EventSubject subject, CancellationToken cancellationToken = default) =>
        Add(db, type, data, subject, (await matchers.CurrentAsync(db, cancellationToken)).Match(type, subject));

    /// <summary>
    /// What matches events to notifications, read ahead so that a hot write transaction does not have to: pass the
    /// notifications it matches to <see cref="WriteAsync{TData}"/>. The subject's ids may be left out there; the reward
    /// and its type are what count.
    /// </summary>
    public Task<NotificationMatcher> MatcherAsync(RewardPortalDbContext db, CancellationToken cancellationToken = default) =>
        matchers.CurrentAsync(db, cancellationToken);

    /// <summary>
    /// Like <see cref="RecordAsync{TData}"/>, with the notifications matched beforehand (<see cref="MatcherAsync"/>), and
    /// written at once through plain statements (<see cref="RowInsert"/>) rather than left to SaveChanges: for the
    /// redemption's transaction, which on SQLite every other redemption waits behind.
    /// </summary>
    public async Task<OutboxEvent> WriteAsync<TData>(RewardPortalDbContext db, string type, TData data, EventSubject subject,
        List<NotificationTarget> matching, CancellationToken cancellationToken)
    {
        var outboxEvent = NewEvent(type, data, subject);
        await RowInsert.InsertAsync(db, outboxEvent, cancellationToken);
        foreach (var notification in matching)
        {
            var delivery = NewDelivery(notification, outboxEvent.OccurredAt);
            delivery.EventId = outboxEvent.Id;
            await RowInsert.InsertAsync(db, delivery, cancellationToken);
        }
        return outboxEvent;
    }

    /// <summary>
    /// Records many events of one type at once (an import): like <see cref="RecordAsync{TData}"/> for each, but the
    /// notifications are matched once per distinct reward rather than once per event.
    /// </summary>
    public async Task RecordAllAsync<TData>(RewardPortalDbContext db, string type, IEnumerable<(TData Data, EventSubject Subject)> events,
        CancellationToken cancellationToken = default)
    {
        var matches = new Dictionary<(long?, RewardType?, long?), List<NotificationTarget>>();
        var matcher = await matchers.CurrentAsync(db, cancellationToken);
        foreach (var (data, subject) in events)
        {
            if (!matches.TryGetValue((subject.RewardId, subject.RewardType, subject.CampaignId), out var matching))
                matches[(subject.RewardId, subject.RewardType, subject.CampaignId)] = matching = matcher.Match(type, subject);
            Add(db, type, data, subject, matching);
        }
    }

    private OutboxEvent Add<TData>(RewardPortalDbContext db, string type, TData data, EventSubject subject, List<NotificationTarget> matching)
    {
        var outboxEvent = NewEvent(type, data, subject);
        db.Events.Add(outboxEvent);
        foreach (var notification in matching)
        {
            var delivery = NewDelivery(notification, outboxEvent.OccurredAt);
            delivery.Event = outboxEvent;
            db.Deliveries.Add(delivery);
        }
        return outboxEvent;
    }

    private OutboxEvent NewEvent<TData>(string type, TData data, EventSubject subject) => new()
    {
        Type = type,
        OccurredAt = clock.GetUtcNow().UtcDateTime,
        DataJson = JsonSerializer.Serialize(data, PortalJson.Options),
        RedemptionId = subject.RedemptionId,
        ParticipantId = subject.ParticipantId,
        RewardId = subject.RewardId,
        RewardType = subject.RewardType,
        CampaignId = subject.CampaignId,
        TraceParent = TraceParentToKeep(),
    };

    private static Delivery NewDelivery(NotificationTarget notification, DateTime now) => new()
    {
        NotificationId = notification.Id,
        MessageId = NewMessageId(),
        Status = DeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>
    /// The current span's traceparent when it is recorded (sampled for tracing). ASP.NET Core starts a span for every
    /// request even without tracing, for its log scopes; keeping that one would cost every event a column for nothing.
    /// </summary>
    private static string? TraceParentToKeep() => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

    public static string NewMessageId() => "msg_" + Guid.CreateVersion7().ToString("N");
}
