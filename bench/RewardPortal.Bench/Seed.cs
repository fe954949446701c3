using System.Data.Common;
using System.Text.Json;
using RewardPortal.Core.Deliveries;
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
        var now = DateTime.UtcNow.AddDays(1);
        for (var i = 0; i < count; i++)
        {
            using var insertEvent = Command(connection, """
                INSERT INTO "Events" ("Type", "OccurredAt", "DataJson", "RedemptionId", "ParticipantId", "RewardId", "RewardType")
                VALUES ('redemption.requested', @at, @data, @id, 1, 1, 0) RETURNING "Id"
                """, ("@at", now), ("@data", RedemptionData(i + 1)), ("@id", (long)i + 1));
            insertEvent.Transaction = transaction;
            var eventId = (long)insertEvent.ExecuteScalar()!;
            using var insertDelivery = Command(connection, """
                INSERT INTO "Deliveries" ("EventId", "NotificationId", "MessageId", "Status", "AttemptCount", "NextAttemptAt", "CreatedAt")
                VALUES (@event, @notification, @message, 0, 0, @at, @at)
                """, ("@event", eventId), ("@notification", notificationId), ("@message", EventRecorder.NewMessageId()), ("@at", now));
            insertDelivery.Transaction = transaction;
            insertDelivery.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public static void MakeDue(Engine engine, long notificationId)
    {
        using var connection = engine.OpenConnection();
        using var command = Command(connection, """UPDATE "Deliveries" SET "NextAttemptAt" = @now WHERE "NotificationId" = @id AND "Status" = 0""",
            ("@now", DateTime.UtcNow.AddSeconds(-1)), ("@id", notificationId));
        command.ExecuteNonQuery();
    }

    public static long Count(Engine engine, string where)
    {
        using var connection = engine.OpenConnection();
        using var command = Command(connection, $"SELECT COUNT(*) FROM \"Deliveries\" WHERE {where}");
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Participants with balance for any run, and a custom reward with the webhook assigned.</summary>
    public static async Task<(List<Participant> Participants, Reward Reward)> RedemptionTargetsAsync(Engine engine, long? webhookId, int participants)
    {
        await using var db = await engine.DbAsync();
        var people = Enumerable.Range(1, participants).Select(i => new Participant
        {
            Name = $"Participant {i}", Email = $"participant{i}-{Guid.NewGuid():N}@bench.local", PointsBalance = 1_000_000_000, CreatedAt = DateTime.UtcNow,
            Address = new PostalAddress { Line1 = "12 St James's Square", City = "London", PostalCode = "SW1Y 4JH", Country = "GB" },
            CustomFields = new() { ["T-shirt size"] = "M" },
        }).ToList();
        var reward = new Reward { Name = "Branded hoodie", Description = "A warm hoodie.", Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 500,
            Metadata = new() { ["sku"] = "HOOD-001" },
            Webhooks = webhookId is null ? [] : [await db.Notifications.FindAsync(webhookId) ?? throw new InvalidOperationException()],
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Participants.AddRange(people);
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        return (people, reward);
    }

    /// <summary>Which webhook-id each redemption's delivery to the notification was sent with.</summary>
    public static Dictionary<long, string> MessageIdsByRedemption(Engine engine, long notificationId)
    {
        using var connection = engine.OpenConnection();
        using var command = Command(connection, """
            SELECT e."RedemptionId", d."MessageId" FROM "Deliveries" d JOIN "Events" e ON e."Id" = d."EventId"
            WHERE d."NotificationId" = @id AND e."RedemptionId" IS NOT NULL
            """, ("@id", notificationId));
        using var reader = command.ExecuteReader();
        var messages = new Dictionary<long, string>();
        while (reader.Read())
            messages[reader.GetInt64(0)] = reader.GetString(1);
        return messages;
    }
}
