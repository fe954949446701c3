using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Core.Data;

// One subclass per database provider, so that each keeps its own migrations (Data/Migrations/{Provider}).
// Everything else in the app asks for RewardPortalDbContext.

/// <remarks>
/// <code>
/// dotnet ef migrations add NAME --project RewardPortal.Core --startup-project RewardPortal.Web \
///     --context SqliteRewardPortalDbContext --output-dir Data/Migrations/Sqlite
/// </code>
/// </remarks>
public sealed class SqliteRewardPortalDbContext(DbContextOptions<SqliteRewardPortalDbContext> options) : RewardPortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Participants are found by a prefix of their name or email, ignoring case. With NOCASE columns SQLite answers
        // LIKE 'ada%' from the indexes, and the unique email index also refuses Ada@x beside ada@x.
        builder.Entity<Participant>().Property(p => p.Name).UseCollation("NOCASE");
        builder.Entity<Participant>().Property(p => p.Email).UseCollation("NOCASE");
    }
}

/// <remarks>
/// <code>
/// Database__Provider=Postgres dotnet ef migrations add NAME --project RewardPortal.Core --startup-project RewardPortal.Web \
///     --context PostgresRewardPortalDbContext --output-dir Data/Migrations/Postgres
/// </code>
/// </remarks>
public sealed class PostgresRewardPortalDbContext(DbContextOptions<PostgresRewardPortalDbContext> options) : RewardPortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // xid8, which never wraps around, as a bigint.
        builder.Entity<Redemption>().Property(r => r.TransactionId).HasDefaultValueSql("pg_current_xact_id()::text::bigint");
    }
}

/// <summary>Hands out the provider's context as the base type.</summary>
internal sealed class ProviderDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<RewardPortalDbContext>
    where TContext : RewardPortalDbContext
{
    public RewardPortalDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<RewardPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
