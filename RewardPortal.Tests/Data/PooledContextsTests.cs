using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>
/// The app's contexts come from a pool: one comes back as a new one would be, and no borrowed connection goes into it.
/// Their SQLite connections are plain, without EF's helper functions.
/// </summary>
public sealed class PooledContextsTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase database = new();
    private readonly ServiceProvider services;

    public PooledContextsTests() => services = database.CoreServices();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        database.Dispose();
    }

    [Fact]
    public async Task AContextBackFromThePoolHasItsSettingsAsNew()
    {
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        var first = await factory.CreateDbContextAsync();
        (first.Database.AutoSavepointsEnabled, first.ChangeTracker.AutoDetectChangesEnabled) = (false, false);
        first.Audit("test", "probe", "Probe", null);
        await first.DisposeAsync();

        await using var again = await factory.CreateDbContextAsync();

        Assert.Same(first, again);
        Assert.True(again.Database.AutoSavepointsEnabled);
        Assert.True(again.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Empty(again.ChangeTracker.Entries());
    }

    [Fact]
    public async Task TheWriterGivesItsConnectionOnlyToContextsOutsideThePool()
    {
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        var transactions = services.GetRequiredService<WriteTransactions>();
        var writers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => transactions.RunAsync(async (db, ct) =>
        {
            db.Audit("test", $"probe.{i}", "Probe", null);
            await db.SaveChangesAsync(ct);
            return db;
        }))));

        // None of the writer's contexts is in the pool, so each pooled one reads through a connection of its own (the
        // writer's was closed with its batch).
        var pooled = new List<RewardPortalDbContext>();
        for (var i = 0; i < 20; i++)
            pooled.Add(await factory.CreateDbContextAsync());
        Assert.All(pooled, db => Assert.DoesNotContain(writers, w => ReferenceEquals(w, db)));
        foreach (var db in pooled)
        {
            Assert.Equal(20, await db.AuditEntries.CountAsync(a => a.Action.StartsWith("probe.")));
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheEnginesContextWithItsOwnConnectionIsNotPooled()
    {
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        RewardPortalDbContext enginesContext;
        await using (var engine = new EngineDatabase(factory, new SqliteWriteGate(), NullLogger.Instance))
            enginesContext = await engine.ContextAsync(CancellationToken.None);

        // The engine's connection was closed with it; a context from the pool reads through one of its own.
        await using var pooled = await factory.CreateDbContextAsync();
        Assert.NotSame(enginesContext, pooled);
        Assert.Equal(0, await pooled.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task AppConnectionsCarryNoneOfEfsSqliteHelperFunctions()
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync();

        // Registering them on every open and removing them on every close cost a fifth of a short read.
        var missing = await Assert.ThrowsAsync<SqliteException>(() => db.Database.SqlQueryRaw<long>("SELECT ef_mod(7, 2) AS \"Value\"").ToListAsync());
        Assert.Contains("no such function", missing.Message);
        Assert.Equal(0, await db.Participants.CountAsync());
    }

    [Fact]
    public void TheModelHasNoDecimalColumnForEfsSqliteHelperFunctionsToBeNeededFor()
    {
        using var db = database.CreateDbContext();

        // EF's SQLite provider does decimal arithmetic and comparison through functions the app's connections do not
        // register (PlainSqliteConnection): money is kept in minor units, as whole numbers.
        var decimals = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => Nullable.GetUnderlyingType(p.ClrType) == typeof(decimal) || p.ClrType == typeof(decimal))
            .Select(p => $"{p.DeclaringType.DisplayName()}.{p.Name}");
        Assert.Empty(decimals);
    }
}
