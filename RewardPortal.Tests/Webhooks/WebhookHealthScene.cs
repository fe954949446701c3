using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Webhooks;

/// <summary>Webhooks with a history of real Deliveries and DeliveryAttempts rows, written at chosen times.</summary>
internal sealed class WebhookHealthScene(IDbContextFactory<RewardPortalDbContext> database)
{
    public async Task OwnerAsync()
    {
        await using var db = await database.CreateDbContextAsync();
        db.Roles.Add(new() { Id = Roles.Owner, Name = Roles.Owner, NormalizedName = Roles.Owner.ToUpperInvariant() });
        db.Users.Add(TestData.User("owner@example.com", id: "owner", name: "Owner"));
        db.UserRoles.Add(new() { UserId = "owner", RoleId = Roles.Owner });
        await db.SaveChangesAsync();
    }

    public async Task<long> WebhookAsync(string name, DateTime now, string url = "https://hooks.example.com/in")
    {
        await using var db = await database.CreateDbContextAsync();
        var webhook = new Notification
        {
            Name = name, Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.ParticipantCreated], WebhookUrl = url,
            Secret = WebhookSecret.New(), CreatedAt = now - TimeSpan.FromDays(30), UpdatedAt = now - TimeSpan.FromDays(30),
        };
        db.Notifications.Add(webhook);
        await db.SaveChangesAsync();
        return webhook.Id;
    }

    /// <summary>One delivery made at <paramref name="createdAt"/> with the attempts given, its status following the last of them.</summary>
    public async Task<long> DeliveryAsync(long webhookId, DateTime createdAt, params (DateTime At, bool Succeeded, int Ms)[] attempts) =>
        await DeliveryAsync(
            webhookId, createdAt, attempts.Length == 0 ? DeliveryStatus.Pending : attempts[^1].Succeeded ? DeliveryStatus.Succeeded : DeliveryStatus.Failed,
            attempts);

    public async Task<long> DeliveryAsync(long webhookId, DateTime createdAt, DeliveryStatus status, params (DateTime At, bool Succeeded, int Ms)[] attempts)
    {
        await using var db = await database.CreateDbContextAsync();
        var @event = new OutboxEvent { Type = EventTypes.ParticipantCreated, OccurredAt = createdAt, DataJson = "{}" };
        var delivery = new Delivery
        {
            Event = @event, NotificationId = webhookId, MessageId = EventRecorder.NewMessageId(), Status = status,
            AttemptCount = attempts.Length, CreatedAt = createdAt, NextAttemptAt = createdAt,
            LastAttemptAt = attempts.Length == 0 ? null : attempts[^1].At,
            CompletedAt = status == DeliveryStatus.Pending ? null : attempts[^1].At,
            LastError = status == DeliveryStatus.Failed ? "HTTP 503" : null,
            Attempts = attempts.Select(a => new DeliveryAttempt
            {
                StartedAt = a.At, Succeeded = a.Succeeded, DurationMs = a.Ms, StatusCode = a.Succeeded ? 200 : 503,
                Error = a.Succeeded ? null : $"HTTP 503 at {a.At:u}",
            }).ToList(),
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return delivery.Id;
    }

    /// <summary>A delivery an hour from <paramref name="from"/> to <paramref name="to"/>, each failing once.</summary>
    public async Task FailingHourlyAsync(long webhookId, DateTime from, DateTime to)
    {
        for (var at = from; at <= to; at += TimeSpan.FromHours(1))
            await DeliveryAsync(webhookId, at, (at, false, 15_000));
    }
}

internal sealed class FixedClock(DateTime now) : TimeProvider
{
    public DateTime Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => new(Now, TimeSpan.Zero);
}
