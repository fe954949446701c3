using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RewardPortal.Core.Webhooks;

/// <summary>The JSON body: {"type", "timestamp", "data"}. Built from the stored event, so every retry sends the same bytes.</summary>
public static class WebhookBody
{
    public static byte[] Compose(string type, DateTime occurredAt, string dataJson) => Compose(type, occurredAt, Encoding.UTF8.GetBytes(dataJson));

    /// <summary>The same from the event's data as UTF-8, as the engine reads it from the database: one copy, no strings.</summary>
    public static byte[] Compose(string type, DateTime occurredAt, ReadOnlySpan<byte> dataUtf8)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"type\":{JsonSerializer.Serialize(type)},\"timestamp\":\"{Timestamp(occurredAt)}\",\"data\":");
        var body = new byte[head.Length + dataUtf8.Length + 1];
        head.CopyTo(body, 0);
        dataUtf8.CopyTo(body.AsSpan(head.Length));
        body[^1] = (byte)'}';
        return body;
    }

    /// <summary>ISO-8601 in UTC, as the rest of the JSON contract writes times.</summary>
    public static string Timestamp(DateTime at) =>
        DateTime.SpecifyKind(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at, DateTimeKind.Utc)
            .ToString("O", CultureInfo.InvariantCulture);
}
