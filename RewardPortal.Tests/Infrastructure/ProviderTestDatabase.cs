using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>A migrated database of its own on one of <see cref="TestProviders"/>, for tests of Core without the web host.</summary>
public sealed class ProviderTestDatabase : IDbContextFactory<RewardPortalDbContext>, IDisposable
{
    private readonly SqliteTestDatabase? sqlite;
    private readonly IDbContextFactory<RewardPortalDbContext> database;

    public ProviderTestDatabase(string provider)
    {
        sqlite = provider == TestProviders.Sqlite ? new SqliteTestDatabase() : null;
        database = sqlite ?? (IDbContextFactory<RewardPortalDbContext>)new PostgresTestDatabase(PostgresServer.Shared);
    }

    public RewardPortalDbContext CreateDbContext() => database.CreateDbContext();

    public Task<RewardPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        database.CreateDbContextAsync(cancellationToken);

    public void Dispose() => sqlite?.Dispose();
}
