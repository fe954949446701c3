using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace RewardPortal.Core.Protection;

/// <summary>
/// Encrypts the data-protection key ring's secret parts under the master key before they reach the database, as the
/// framework's ProtectKeysWith... encryptors do with a certificate or DPAPI.
/// </summary>
public sealed class MasterKeyXmlEncryptor(SecretCipher cipher) : IXmlEncryptor
{
    internal const string Purpose = "RewardPortal.DataProtectionKeyRing.v1";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(
        new XElement("encryptedKey",
            new XComment(" Encrypted with RewardPortal's master key (DataProtection:KeyFile). "),
            new XElement("value", cipher.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), Purpose))),
        typeof(MasterKeyXmlDecryptor));
}

/// <summary>Named in each encrypted key's XML; data protection makes it with the app's services.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var value = encryptedElement.Element("value")?.Value
            ?? throw new FormatException("An encrypted data-protection key has no value.");
        return XElement.Parse(services.GetRequiredService<SecretCipher>().Unprotect(value, MasterKeyXmlEncryptor.Purpose));
    }
}
