using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RewardPortal.Core;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>
/// On PostgreSQL the app's connections prepare the statements they repeat and keep them across uses from the pool, so
/// that neither they nor the dashboard's triggers are planned again in every transaction; a connection string that says
/// otherwise is obeyed.
/// </summary>
public sealed class PostgresPreparedStatementsTests
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

    [PostgresFact]
    public async Task ARepeatedStatementIsPreparedOnceAndOutlivesTheConnectionsReturnToThePool()
    {
        var database = new PostgresTestDatabase(PostgresServer.Shared);
        using var directory = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = database.ConnectionString,
            ["Email:PickupDirectory"] = directory.File("pickup"),
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddRewardPortalCore(configuration, directory.Path).BuildServiceProvider();
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
}
