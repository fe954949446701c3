using Microsoft.EntityFrameworkCore;

namespace RewardPortal.Core.Data;

// One subclass per database provider, so that each keeps its own migrations (Data/Migrations/{Provider}).
// Everything else in the app asks for RewardPortalDbContext.

/// <remarks>
/// <c>dotnet ef migrations add NAME --project RewardPortal.Core --startup-project RewardPortal.Web --context SqliteRewardPortalDbContext --output-dir Data/Migrations/Sqlite</c>
/// </remarks>
public sealed class SqliteRewardPortalDbContext(DbContextOptions<SqliteRewardPortalDbContext> options) : RewardPortalDbContext(options);

/// <remarks>
/// <c>Database__Provider=Postgres dotnet ef migrations add NAME --project RewardPortal.Core --startup-project RewardPortal.Web --context PostgresRewardPortalDbContext --output-dir Data/Migrations/Postgres</c>
/// </remarks>
public sealed class PostgresRewardPortalDbContext(DbContextOptions<PostgresRewardPortalDbContext> options) : RewardPortalDbContext(options);

/// <summary>Hands out the provider's context as the base type.</summary>
internal sealed class ProviderDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<RewardPortalDbContext>
    where TContext : RewardPortalDbContext
{
    public RewardPortalDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<RewardPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
