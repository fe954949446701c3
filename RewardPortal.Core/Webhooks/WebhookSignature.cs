using System.Security.Cryptography;
using System.Text;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Webhooks;

/// <summary>Standard Webhooks signing: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), the key being the secret's bytes.</summary>
public static class WebhookSignature
{
    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(WebhookSecret.KeyBytes(secret), content));
    }

    /// <summary>The header value: one signature per live secret, space-separated (both during a rotation).</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var signatures = new List<string>();
        foreach (var secret in secrets)
            signatures.Add(Sign(secret, messageId, timestamp, body));
        return string.Join(' ', signatures);
    }
}
