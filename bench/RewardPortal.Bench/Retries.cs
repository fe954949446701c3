using System.Data.Common;

namespace RewardPortal.Bench;

/// <summary>How late retries go out: lateness of each second attempt behind the time its first one's outcome set.</summary>
internal static class Retries
{
    /// <summary>The retry schedule the scenario's engines run: at once, then one retry after this delay (with the policy's jitter).</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);

    public static Dictionary<string, string?> Settings => new()
    {
        ["Webhooks:RetrySchedule:0"] = "00:00:00",
        ["Webhooks:RetrySchedule:1"] = Delay.ToString(),
    };

    /// <summary>
    /// A backlog whose first attempts all fail (the receiver answers 503), so that each delivery falls due again about
    /// <see cref="Delay"/> later, written back by whichever node sent it; every node's engine then has to notice the due
    /// time by itself. Returns the sorted lateness, in milliseconds, of each retry behind its due time.
    /// </summary>
    public static async Task<double[]> OnTimeAsync(IReadOnlyList<Engine> nodes, WebhookReceiver receiver, int count)
    {
        var engine = nodes[0];
        var notification = await Seed.WebhookAsync(engine, receiver.Url());
        Seed.PendingDeliveries(engine, notification.Id, count);
        receiver.Reset();
        receiver.Respond = WebhookReceiver.FailTimes(1, 503);
        try
        {
            Seed.MakeDue(engine, notification.Id);
            foreach (var node in nodes)
                node.Signal();
            var deadline = DateTime.UtcNow + Delay * 0.7;
            while (Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND \"AttemptCount\" = 1 AND \"Status\" = 0") < count)
            {
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException("The first attempts took too long to record: lower --count.");
                await Task.Delay(5);
            }
            var due = DueTimes(engine, notification.Id);
            while (Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND \"Status\" = 0") > 0)
                await Task.Delay(50);
            if (Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND (\"Status\" <> 1 OR \"AttemptCount\" <> 2)") > 0)
                throw new InvalidOperationException("Some deliveries did not succeed on their second attempt.");
            return SecondAttempts(engine, notification.Id).Select(a => (a.Value - due[a.Key]).TotalMilliseconds).Order().ToArray();
        }
        finally
        {
            receiver.Respond = (_, _) => new Reply();
        }
    }

    private static Dictionary<long, DateTime> DueTimes(Engine engine, long notificationId) =>
        Read(engine, $"""SELECT "Id", "NextAttemptAt" FROM "Deliveries" WHERE "NotificationId" = {notificationId}""");

    private static Dictionary<long, DateTime> SecondAttempts(Engine engine, long notificationId) => Read(engine, $"""
        SELECT a."DeliveryId", MAX(a."StartedAt") FROM "DeliveryAttempts" a JOIN "Deliveries" d ON d."Id" = a."DeliveryId"
        WHERE d."NotificationId" = {notificationId} GROUP BY a."DeliveryId"
        """);

    private static Dictionary<long, DateTime> Read(Engine engine, string sql)
    {
        using var connection = engine.OpenConnection();
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<long, DateTime>();
        while (reader.Read())
            rows[reader.GetInt64(0)] = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
        return rows;
    }
}
