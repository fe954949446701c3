using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// The dispatcher's own database access. Its bookkeeping (claims, outcomes) commits without waiting for the disk: on
/// SQLite through a connection of its own with synchronous=NORMAL (WAL), on PostgreSQL with synchronous_commit off.
/// A power cut can then at worst forget the last few claims or outcomes, and those deliveries are simply sent again
/// (at least once, with the same webhook-id); the deliveries themselves were committed durably with their event.
/// Without this every batch would wait for an fsync (about 4 ms here), which caps the engine far below the network.
/// Used by the dispatcher's loop only, one operation at a time.
/// </summary>
internal sealed class EngineDatabase(IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate) : IAsyncDisposable
{
    private SqliteConnection? sqlite;

    public async Task<RewardPortalDbContext> CreateContextAsync(CancellationToken cancellationToken)
    {
        var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
            return db;
        if (sqlite is null)
        {
            var connection = new SqliteConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(cancellationToken);
            SqliteBusyWait.Apply(connection);
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA synchronous = NORMAL;";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            sqlite = connection;
        }
        db.Database.SetDbConnection(sqlite, contextOwnsConnection: false);
        return db;
    }

    /// <summary>On SQLite, waits for this process's other writers to finish (see <see cref="SqliteWriteGate"/>).</summary>
    public async Task<SqliteWriteGate.Turn> EnterWriteAsync() => sqlite is null ? default : await gate.EnterAsync();

    public async Task<IDbContextTransaction> BeginTransactionAsync(RewardPortalDbContext db, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", cancellationToken);
        return transaction;
    }

    public async ValueTask DisposeAsync()
    {
        if (sqlite is not null)
            await sqlite.DisposeAsync();
    }
}
