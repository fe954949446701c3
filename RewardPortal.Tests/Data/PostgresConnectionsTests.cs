using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RewardPortal.Core;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>
/// On PostgreSQL the app's connections prepare the statements they repeat and keep them across uses from the pool, so
/// that neither they nor the dashboard's triggers are planned again in every transaction; a connection string that says
/// otherwise is obeyed. The delivery engine's connections commit without waiting for the disk, and no one else's do.
/// </summary>
public sealed class PostgresConnectionsTests
{
    [Fact]
    public void AutomaticPreparationIsOnUnlessTheConnectionStringSaysOtherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Tuned("Host=127.0.0.1;Database=portal"));
        var refused = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Tuned("Host=127.0.0.1;Database=portal;Max Auto Prepare=0"));

        Assert.Equal(PostgresConnectionString.AutoPrepared, tuned.MaxAutoPrepare);
        Assert.Equal("portal", tuned.Database);
        Assert.Equal(0, refused.MaxAutoPrepare);
    }

    [Fact]
    public void TheEnginesConnectionsKeepTheOptionsTheyWereGiven()
    {
        var engines = new NpgsqlConnectionStringBuilder(
            PostgresConnectionString.CommittingWithoutWaitingForTheDisk("Host=127.0.0.1;Options=-c search_path=portal"));

        Assert.Equal("-c search_path=portal -c synchronous_commit=off", engines.Options);
    }

    [PostgresFact]
    public async Task ARepeatedStatementIsPreparedOnceAndOutlivesTheConnectionsReturnToThePool()
    {
        using var directory = new TempDirectory();
        await using var services = AppServices(directory);
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();

        // One after another, so that each use takes the same connection from the pool.
        for (var use = 0; use < 8; use++)
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Participants.Where(p => p.Id == use).CountAsync();
        }

        await using var check = await factory.CreateDbContextAsync();
        var prepared = await check.Database.SqlQueryRaw<string>("""SELECT statement AS "Value" FROM pg_prepared_statements""").ToListAsync();
        Assert.Contains(prepared, s => s.Contains("\"Participants\""));
    }

    [PostgresFact]
    public async Task OnlyTheEnginesTransactionsCommitWithoutWaitingForTheDisk()
    {
        using var directory = new TempDirectory();
        await using var services = AppServices(directory);
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        await using var engine = new EngineDatabase(factory, new SqliteWriteGate(), NullLogger.Instance);
        var enginesContext = await engine.ContextAsync(CancellationToken.None);

        await using (await engine.BeginTransactionAsync(enginesContext, CancellationToken.None))
            Assert.Equal("off", await SynchronousCommitAsync(enginesContext));
        await using var pooled = await factory.CreateDbContextAsync();
        await using (await pooled.Database.BeginTransactionAsync())
            Assert.Equal("on", await SynchronousCommitAsync(pooled));
    }

    private static Task<string> SynchronousCommitAsync(RewardPortalDbContext db) =>
        db.Database.SqlQueryRaw<string>("SELECT current_setting('synchronous_commit') AS \"Value\"").SingleAsync();

    private static ServiceProvider AppServices(TempDirectory directory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString,
            ["Email:PickupDirectory"] = directory.File("pickup"),
        }).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddRewardPortalCore(configuration, directory.Path).BuildServiceProvider();
    }
}
