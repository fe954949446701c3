using System.Security.Cryptography;
using System.Text;

namespace RewardPortal.Core.ApiKeys;

/// <summary>
/// API keys are 32 random bytes, so a fast unsalted SHA-256 is enough to make a stolen table useless
/// while keeping the per-request look-up a single indexed query.
/// </summary>
public static class ApiKeyHasher
{
    public const string KeyPrefix = "rpk_";

    public static string NewKey() => KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string DisplayPrefix(string key) => key.Length <= 12 ? key : key[..12];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
