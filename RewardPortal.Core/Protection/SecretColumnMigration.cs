using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Protection;

/// <summary>Encrypts webhook secrets written in plaintext before the columns were encrypted, once, at start.</summary>
public static class SecretColumnMigration
{
    public static async Task<int> EncryptPlaintextSecretsAsync(RewardPortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.EncryptsSecrets)
            return 0;
        // Read through raw SQL: through the model, a plaintext column and an encrypted one look the same.
        var ids = await db.Database.SqlQueryRaw<long>("""
            SELECT "Id" AS "Value" FROM "Notifications"
            WHERE ("Secret" IS NOT NULL AND "Secret" NOT LIKE 'enc:%') OR ("PreviousSecret" IS NOT NULL AND "PreviousSecret" NOT LIKE 'enc:%')
            """).ToListAsync(cancellationToken);
        if (ids.Count == 0)
            return 0;
        var notifications = await db.Notifications.Where(n => ids.Contains(n.Id)).ToListAsync(cancellationToken);
        foreach (var notification in notifications)
        {
            db.Entry(notification).Property(n => n.Secret).IsModified = notification.Secret is not null;
            db.Entry(notification).Property(n => n.PreviousSecret).IsModified = notification.PreviousSecret is not null;
        }
        await db.SaveChangesAsync(cancellationToken);
        return notifications.Count;
    }
}
