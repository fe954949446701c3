using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsBuildTheWholeSchemaOnAnEmptyFileAndMatchTheModel()
    {
        using var directory = new TempDirectory();
        // A step that cannot run in its migration's transaction (an SQLite table rebuild) could leave a half-migrated file.
        var options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={directory.File("empty.db")}")
            .ConfigureWarnings(w => w.Throw(RelationalEventId.NonTransactionalMigrationOperationWarning)).Options;
        await using var db = new SqliteRewardPortalDbContext(options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration carries: add a migration.");
        Assert.Equal(0, await db.Participants.CountAsync());
        Assert.Equal(0, await db.Deliveries.CountAsync());
        var ledgerReferences = await db.Database.SqlQueryRaw<string>(
            "SELECT \"table\" AS \"Value\" FROM pragma_foreign_key_list('LedgerEntries')").ToListAsync();
        Assert.Contains("Campaigns", ledgerReferences);
    }

    [Fact]
    public async Task NotificationsFromBeforeNamesAreNamedAfterTheirDescriptionUrlOrEvent()
    {
        using var directory = new TempDirectory();
        var options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={directory.File("old.db")}").Options;
        await using var db = new SqliteRewardPortalDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261202154917_AlertKeys");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Notifications" ("Channel", "Frequency", "EventTypes", "RedemptionTypes", "Description", "WebhookUrl", "IsEnabled", "IsDeleted",
                "CreatedAt", "UpdatedAt")
            VALUES (1, 0, '["redemption.requested"]', '[]', NULL, 'https://hooks.example.com/rewards', 1, 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00'),
                   (1, 0, '["redemption.requested"]', '[]', 'Fulfilment system', 'https://hooks.example.com/other', 1, 0,
                    '2026-12-01 00:00:00', '2026-12-01 00:00:00'),
                   (0, 0, '["redemption.requested"]', '[1]', NULL, NULL, 1, 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00')
            """);

        await db.Database.MigrateAsync();

        var names = await db.Notifications.OrderBy(n => n.Id).Select(n => n.Name).ToListAsync();
        Assert.Equal(["https://hooks.example.com/rewards", "Fulfilment system", "Reward Redemption email"], names);
    }
}
