using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core;
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

    /// <summary>Core's services as the app registers them (pooled contexts, the writer, ...), over this file.</summary>
    public ServiceProvider CoreServices()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:RewardPortal"] = $"Data Source={Directory.File("test.db")}",
            ["Email:PickupDirectory"] = Directory.File("pickup"),
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddRewardPortalCore(configuration, Directory.Path).BuildServiceProvider();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Dispose();
    }
}
