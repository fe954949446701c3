using System.Security.Cryptography;
using System.Text;

namespace RewardPortal.Core.Protection;

/// <summary>
/// AES-256-GCM under the master key. A protected value reads <c>enc:v1:</c> then base64 of nonce, tag and ciphertext; the
/// purpose is authenticated with it, so a value protected for one use cannot be passed off as another.
/// </summary>
public sealed class SecretCipher
{
    public const string Prefix = "enc:v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] key;

    public SecretCipher(byte[] key)
    {
        if (key.Length != MasterKey.Length)
            throw new ArgumentException($"The master key is {MasterKey.Length} bytes.", nameof(key));
        this.key = key;
        // Model caches are keyed by it: two hosts on the same key file share one model.
        Fingerprint = Convert.ToHexString(SHA256.HashData(key), 0, 8);
    }

    /// <summary>Names the key without giving it away.</summary>
    public string Fingerprint { get; }

    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    public string Unprotect(string protectedValue, string purpose)
    {
        if (!IsProtected(protectedValue))
            throw new FormatException("The value is not protected.");
        var sealedBytes = Convert.FromBase64String(protectedValue[Prefix.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize)
            throw new FormatException("The protected value is too short.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain,
                Encoding.UTF8.GetBytes(purpose));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                "A protected value does not open with this master key: the key file (DataProtection:KeyFile) is not the one it was written with. "
                    + "Restore the key file that was backed up with the database.", e);
        }
        return Encoding.UTF8.GetString(plain);
    }
}
