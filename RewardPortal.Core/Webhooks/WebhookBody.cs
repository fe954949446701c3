using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RewardPortal.Core.Webhooks;

/// <summary>The JSON body: {"type", "timestamp", "data"}. Built from the stored event, so every retry sends the same bytes.</summary>
public static class WebhookBody
{
    public static byte[] Compose(string type, DateTime occurredAt, string dataJson) =>
        Encoding.UTF8.GetBytes(
            $"{{\"type\":{JsonSerializer.Serialize(type)},\"timestamp\":\"{Timestamp(occurredAt)}\",\"data\":{dataJson}}}");

    /// <summary>ISO-8601 in UTC, as the rest of the JSON contract writes times.</summary>
    public static string Timestamp(DateTime at) =>
        DateTime.SpecifyKind(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at, DateTimeKind.Utc)
            .ToString("O", CultureInfo.InvariantCulture);
}
