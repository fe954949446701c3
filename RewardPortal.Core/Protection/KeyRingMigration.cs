using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Protection;

/// <summary>
/// Encrypts data-protection keys stored in plaintext before the key ring was protected, so that an upgrade keeps its
/// sign-in cookies and still leaves no key readable in the database. Their form is the one data protection writes itself.
/// </summary>
public static class KeyRingMigration
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    public static async Task<int> EncryptPlaintextKeysAsync(RewardPortalDbContext db, IXmlEncryptor encryptor, CancellationToken cancellationToken)
    {
        var encrypted = 0;
        foreach (var key in await db.DataProtectionKeys.ToListAsync(cancellationToken))
        {
            if (key.Xml is null || !key.Xml.Contains("requiresEncryption", StringComparison.Ordinal))
                continue;
            var root = XElement.Parse(key.Xml);
            var plaintext = root.DescendantsAndSelf().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList();
            if (plaintext.Count == 0)
                continue;
            foreach (var element in plaintext)
            {
                var info = encryptor.Encrypt(element);
                element.ReplaceWith(new XElement(EncryptedSecret,
                    new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
            }
            key.Xml = root.ToString(SaveOptions.DisableFormatting);
            encrypted++;
        }
        if (encrypted > 0)
            await db.SaveChangesAsync(cancellationToken);
        return encrypted;
    }
}
