using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>A migrated SQLite file of its own, for tests of Core services without the web host.</summary>
public sealed class SqliteTestDatabase : IDbContextFactory<RewardPortalDbContext>, IDisposable
{
    public TempDirectory Directory { get; } = new();
    private readonly DbContextOptions<SqliteRewardPortalDbContext> options;

    public SqliteTestDatabase()
    {
        options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>()
            .UseSqlite($"Data Source={Directory.File("test.db")};Default Timeout=60").AddInterceptors(new KeptCommandInterceptor()).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public RewardPortalDbContext CreateDbContext() => new SqliteRewardPortalDbContext(options);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Dispose();
    }
}
