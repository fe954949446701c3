using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsBuildTheWholeSchemaOnAnEmptyFileAndMatchTheModel()
    {
        using var directory = new TempDirectory();
        var options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={directory.File("empty.db")}").Options;
        await using var db = new SqliteRewardPortalDbContext(options);

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration carries: add a migration.");
        Assert.Equal(0, await db.Participants.CountAsync());
        Assert.Equal(0, await db.Deliveries.CountAsync());
    }
}
