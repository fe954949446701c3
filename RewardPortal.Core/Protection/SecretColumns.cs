using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Protection;

/// <summary>
/// Webhook secrets are encrypted in their columns and plain in memory: a value converter does it, so the UI, the API and
/// the engine never see ciphertext. A column still in plaintext (written before encryption) reads as it is until
/// <see cref="SecretColumnMigration"/> rewrites it at start.
/// </summary>
public static class SecretColumns
{
    public const string WebhookSecretPurpose = "RewardPortal.WebhookSecret.v1";

    public static DbContextOptionsBuilder UseSecretProtection(this DbContextOptionsBuilder options, SecretCipher cipher)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new SecretProtectionExtension(cipher));
        return options.ReplaceService<IModelCacheKeyFactory, SecretAwareModelCacheKeyFactory>();
    }

    internal static void Apply(ModelBuilder builder, SecretCipher? cipher)
    {
        if (cipher is null)
            return;
        var converter = new EncryptedStringConverter(cipher, WebhookSecretPurpose);
        builder.Entity<Notification>(n =>
        {
            n.Property(x => x.Secret!).HasConversion(converter);
            n.Property(x => x.PreviousSecret!).HasConversion(converter);
        });
    }

    internal static SecretCipher? CipherOf(DbContextOptions options) => options.FindExtension<SecretProtectionExtension>()?.Cipher;
}

internal sealed class EncryptedStringConverter(SecretCipher cipher, string purpose) : ValueConverter<string, string>(
    plain => cipher.Protect(plain, purpose),
    stored => SecretCipher.IsProtected(stored) ? cipher.Unprotect(stored, purpose) : stored);

/// <summary>Carries the cipher to the model; it changes nothing in EF's own services, so every host shares them.</summary>
internal sealed class SecretProtectionExtension(SecretCipher cipher) : IDbContextOptionsExtension
{
    public SecretCipher Cipher { get; } = cipher;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;
        public override string LogFragment => "SecretProtection ";
        public override int GetServiceProviderHashCode() => 0;
        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;
        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["SecretProtection"] = "1";
    }
}

/// <summary>The model holds the converter, and so the key: a model is built per master key, not once per context type.</summary>
internal sealed class SecretAwareModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), designTime, context.GetService<IDbContextOptions>().FindExtension<SecretProtectionExtension>()?.Cipher.Fingerprint);
}
