using System.Security.Cryptography;

namespace RewardPortal.Core.Notifications;

/// <summary>Standard Webhooks secrets: whsec_ followed by base64 of the key bytes.</summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static byte[] KeyBytes(string secret) =>
        Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
}
