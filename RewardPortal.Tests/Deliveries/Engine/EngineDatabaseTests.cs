using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

public sealed class EngineDatabaseTests
{
    [Fact]
    public async Task TheEnginesRelaxedSyncingNeverReachesAnotherConnection()
    {
        using var database = new SqliteTestDatabase();
        await using (var engine = new EngineDatabase(database, new SqliteWriteGate(), NullLogger.Instance))
        {
            var db = await engine.ContextAsync(CancellationToken.None);
            Assert.Equal(1L, await SynchronousAsync(db)); // NORMAL: the engine's bookkeeping
        }

        // The next connection, from the pool the engine's would have gone back to, still commits durably (FULL).
        await using var redemption = database.CreateDbContext();
        await redemption.Database.OpenConnectionAsync();
        Assert.Equal(2L, await SynchronousAsync(redemption));
    }

    private static async Task<long> SynchronousAsync(RewardPortalDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
