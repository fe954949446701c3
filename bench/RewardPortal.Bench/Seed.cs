using System.Text.Json;
using Microsoft.Data.Sqlite;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Bench;

/// <summary>Rows for the scenarios: notifications through EF, and thousands of pending deliveries through plain SQL (setup is not measured).</summary>
internal static class Seed
{
    /// <summary>The "data" of a typical redemption event, about a kilobyte, as the outbox stores it.</summary>
    public static string RedemptionData(long id)
    {
        var now = DateTime.UtcNow;
        var data = new RedemptionEventData(
            new RedemptionPayload(id, RedemptionStatus.Requested, 1, 1, Currency.Points, 500, "COFFEE-0001-DEMO", null, now, null, null),
            new ParticipantPayload(1, "Ada Lovelace", "ada@example.com",
                new AddressPayload("12 St James's Square", null, "London", null, "SW1Y 4JH", "GB"),
                new Dictionary<string, string> { ["T-shirt size"] = "M", ["Team"] = "Engineering" }, 2_000, 5_000, false, now),
            new RewardPayload(1, "Branded hoodie", "A warm hoodie with the program's logo, shipped to your address.", RewardType.Custom,
                Currency.Points, 500, new Dictionary<string, string> { ["sku"] = "HOOD-001", ["vendor"] = "Print shop" }));
        return JsonSerializer.Serialize(data, PortalJson.Options);
    }

    public static async Task<Notification> WebhookAsync(Engine engine, string url)
    {
        await using var db = await engine.DbAsync();
        var notification = new Notification
        {
            Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.RedemptionRequested], WebhookUrl = url,
            Secret = WebhookSecret.New(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification;
    }

    public static async Task<Notification> EmailNotificationAsync(Engine engine)
    {
        await using var db = await engine.DbAsync();
        var user = new AppUser
        {
            UserName = "fulfilment@bench.local", Email = "fulfilment@bench.local", NormalizedEmail = "FULFILMENT@BENCH.LOCAL",
            NormalizedUserName = "FULFILMENT@BENCH.LOCAL", DisplayName = "Fulfilment team", CreatedAt = DateTime.UtcNow,
        };
        var notification = new Notification
        {
            Channel = NotificationChannel.Email, EventTypes = [EventTypes.RedemptionRequested], RedemptionTypes = [RewardType.Custom],
            Recipients = [user], CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification;
    }

    /// <summary>
    /// An event and one pending delivery per item, all to one notification: a backlog to drain. They fall due only when
    /// <see cref="MakeDue"/> says so, so that the engine cannot start on them while they are being written.
    /// </summary>
    public static void PendingDeliveries(Engine engine, long notificationId, int count)
    {
        using var connection = engine.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var insertEvent = connection.CreateCommand();
        insertEvent.CommandText = """
            INSERT INTO "Events" ("Type", "OccurredAt", "DataJson", "RedemptionId", "ParticipantId", "RewardId", "RewardType")
            VALUES ('redemption.requested', $at, $data, $id, 1, 1, 0); SELECT last_insert_rowid();
            """;
        using var insertDelivery = connection.CreateCommand();
        insertDelivery.CommandText = """
            INSERT INTO "Deliveries" ("EventId", "NotificationId", "MessageId", "Status", "AttemptCount", "NextAttemptAt", "CreatedAt")
            VALUES ($event, $notification, $message, 0, 0, $at, $at)
            """;
        var now = DateTime.UtcNow.AddDays(1);
        for (var i = 0; i < count; i++)
        {
            insertEvent.Parameters.Clear();
            insertEvent.Parameters.AddWithValue("$at", now);
            insertEvent.Parameters.AddWithValue("$data", RedemptionData(i + 1));
            insertEvent.Parameters.AddWithValue("$id", i + 1);
            var eventId = (long)insertEvent.ExecuteScalar()!;
            insertDelivery.Parameters.Clear();
            insertDelivery.Parameters.AddWithValue("$event", eventId);
            insertDelivery.Parameters.AddWithValue("$notification", notificationId);
            insertDelivery.Parameters.AddWithValue("$message", EventRecorder.NewMessageId());
            insertDelivery.Parameters.AddWithValue("$at", now);
            insertDelivery.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public static void MakeDue(Engine engine, long notificationId)
    {
        using var connection = engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """UPDATE "Deliveries" SET "NextAttemptAt" = $now WHERE "NotificationId" = $id AND "Status" = 0""";
        command.Parameters.AddWithValue("$now", DateTime.UtcNow.AddSeconds(-1));
        command.Parameters.AddWithValue("$id", notificationId);
        command.ExecuteNonQuery();
    }

    public static long Count(Engine engine, string where)
    {
        using var connection = engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"Deliveries\" WHERE {where}";
        return (long)command.ExecuteScalar()!;
    }

    public static async Task<(Participant Participant, Reward Reward)> RedemptionTargetsAsync(Engine engine, long webhookId)
    {
        await using var db = await engine.DbAsync();
        var participant = new Participant { Name = "Ada Lovelace", Email = "ada@example.com", PointsBalance = 1_000_000_000, CreatedAt = DateTime.UtcNow,
            Address = new PostalAddress { Line1 = "12 St James's Square", City = "London", PostalCode = "SW1Y 4JH", Country = "GB" },
            CustomFields = new() { ["T-shirt size"] = "M" } };
        var reward = new Reward { Name = "Branded hoodie", Description = "A warm hoodie.", Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 500,
            Metadata = new() { ["sku"] = "HOOD-001" }, Webhooks = [await db.Notifications.FindAsync(webhookId) ?? throw new InvalidOperationException()],
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Participants.Add(participant);
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        return (participant, reward);
    }
}
