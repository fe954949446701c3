using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>A migrated database of its own on the test run's PostgreSQL server.</summary>
public sealed class PostgresTestDatabase : IDbContextFactory<RewardPortalDbContext>
{
    private readonly DbContextOptions<PostgresRewardPortalDbContext> options;

    public PostgresTestDatabase(PostgresServer server)
    {
        ConnectionString = server.CreateDatabase();
        options = new DbContextOptionsBuilder<PostgresRewardPortalDbContext>().UseNpgsql(ConnectionString).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string ConnectionString { get; }

    public RewardPortalDbContext CreateDbContext() => new PostgresRewardPortalDbContext(options);
}
