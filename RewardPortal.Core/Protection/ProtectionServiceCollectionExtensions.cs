using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RewardPortal.Core.Protection;

public static class ProtectionServiceCollectionExtensions
{
    public const string KeyFileSetting = "DataProtection:KeyFile";
    public const string DefaultKeyFileName = "master.key";

    /// <summary>
    /// The master key, read (or made) the first time something needs it, from <c>DataProtection:KeyFile</c> or else
    /// <paramref name="defaultFolder"/>/master.key.
    /// </summary>
    internal static IServiceCollection AddMasterKey(this IServiceCollection services, IConfiguration configuration, string contentRoot, string defaultFolder)
    {
        var configured = configuration[KeyFileSetting];
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(defaultFolder, DefaultKeyFileName)
            : Path.GetFullPath(configured, contentRoot);
        services.AddSingleton(_ => new SecretCipher(MasterKey.LoadOrCreate(path)));
        return services;
    }

    /// <summary>The key ring's secrets are encrypted under the master key before they are stored.</summary>
    public static IDataProtectionBuilder ProtectKeysWithMasterKey(this IDataProtectionBuilder builder)
    {
        builder.Services.AddOptions<KeyManagementOptions>().Configure<SecretCipher>((o, cipher) => o.XmlEncryptor = new MasterKeyXmlEncryptor(cipher));
        return builder;
    }
}
