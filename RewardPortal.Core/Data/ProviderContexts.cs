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

/// <summary>Hands out the provider's pooled contexts as the base type, and new ones for <see cref="DbContextFactories.CreateUnpooledDbContext"/>.</summary>
internal sealed class ProviderDbContextFactory<TContext>(IDbContextFactory<TContext> pool, Func<TContext> createUnpooled)
    : IDbContextFactory<RewardPortalDbContext>, IUnpooledDbContexts
    where TContext : RewardPortalDbContext
{
    public RewardPortalDbContext CreateDbContext() => pool.CreateDbContext();

    public async Task<RewardPortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await pool.CreateDbContextAsync(cancellationToken);

    public RewardPortalDbContext CreateUnpooled() => createUnpooled();
}

/// <summary>A context factory that takes its contexts from a pool, and can also make one outside it.</summary>
public interface IUnpooledDbContexts
{
    RewardPortalDbContext CreateUnpooled();
}

public static class DbContextFactories
{
    /// <summary>
    /// A context made new rather than taken from a pool, for owners that give it a connection of their own
    /// (<see cref="WriteTransactions"/> and the delivery engine): a pooled context keeps that connection when it goes
    /// back to the pool, and would hand it to its next user.
    /// </summary>
    public static RewardPortalDbContext CreateUnpooledDbContext(this IDbContextFactory<RewardPortalDbContext> factory) =>
        factory is IUnpooledDbContexts unpooled ? unpooled.CreateUnpooled() : factory.CreateDbContext();
}
