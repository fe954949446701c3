using System.Security.Cryptography;

namespace RewardPortal.Core.Protection;

/// <summary>
/// The key that protects what the database must not give away on its own: the data-protection key ring and the webhook
/// secrets. It lives in a file beside the database by default, never in it, readable by the app's user only.
/// </summary>
public static class MasterKey
{
    public const int Length = 32;

    /// <summary>Reads the key file, or makes one (32 random bytes, mode 0600) when there is none yet.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
            TryCreate(path);
        var key = File.ReadAllBytes(path);
        if (key.Length != Length)
            throw new InvalidOperationException(
                $"The key file {path} (DataProtection:KeyFile) holds {key.Length} bytes, not {Length}: restore it from the backup.");
        OwnerOnly.TightenFile(path);
        return key;
    }

    private static void TryCreate(string path)
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(Length);
        try
        {
            using var file = new FileStream(path, OwnerOnly.CreateNew);
            file.Write(key);
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process on the same folder made it first: theirs is the key.
        }
    }
}
