using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine.Sqlite;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// The dispatcher's own database access. Its bookkeeping (claims, outcomes) commits without waiting for the disk: on
/// SQLite through a connection of its own with synchronous=NORMAL (WAL), on PostgreSQL through connections of its own with synchronous_commit off.
/// A power cut can then at worst forget the last few claims or outcomes, and those deliveries are simply sent again
/// (at least once, with the same webhook-id); the deliveries themselves were committed durably with their event.
/// Without this every batch would wait for an fsync, which caps the engine far below the network (docs/benchmarks.md).
/// For the same reason the SQLite connection's WAL checkpoints run beside the loop (<see cref="SqliteBackgroundCheckpoint"/>).
/// Used by the dispatcher's loop only, one operation at a time.
/// </summary>
internal sealed class EngineDatabase(IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate, ILogger logger) : IAsyncDisposable
{
    private SqliteConnection? sqlite;
    private SqliteBackgroundCheckpoint? checkpoint;
    private RewardPortalDbContext? context;

    private SqliteEngineStatements? statements;

    /// <summary>The hot statements of this database's provider, on the loop's connection (after <see cref="ContextAsync"/>).</summary>
    public IEngineQueries Queries { get; private set; } = null!;

    /// <summary>
    /// The loop's one context, kept from turn to turn: setting up a DbContext costs more than a turn's statements. It
    /// tracks nothing (the engine reads with raw commands and untracked queries), and a failed turn drops it (<see cref="ResetAsync"/>).
    /// </summary>
    public async Task<RewardPortalDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        if (context is not null)
            return context;
        // Made new, not pooled: on SQLite it is given the loop's own connection.
        var db = dbFactory.CreateUnpooledDbContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        if (db.Database.IsSqlite())
        {
            db.Database.SetDbConnection(await SqliteConnectionAsync(db, cancellationToken), contextOwnsConnection: false);
            Queries = new SqliteEngineQueries(statements = new SqliteEngineStatements(sqlite!));
        }
        else
        {
            db.Database.SetConnectionString(PostgresConnectionString.CommittingWithoutWaitingForTheDisk(db.Database.GetConnectionString()!));
            Queries = new PostgresEngineQueries(db);
        }
        return context = db;
    }

    public async Task<IEngineQueries> QueriesAsync(CancellationToken cancellationToken)
    {
        await ContextAsync(cancellationToken);
        return Queries;
    }

    /// <summary>After a failure: the next turn starts from a fresh context (and, on SQLite, a fresh connection).</summary>
    public async Task ResetAsync()
    {
        await DisposeAsync();
        (context, sqlite, checkpoint, statements) = (null, null, null, null);
        Queries = null!;
    }

    /// <summary>On SQLite, waits for this process's other writers to finish (see <see cref="SqliteWriteGate"/>).</summary>
    public async Task<SqliteWriteGate.Turn> EnterWriteAsync() => sqlite is null ? default : await gate.EnterAsync();

    public Task<IDbContextTransaction> BeginTransactionAsync(RewardPortalDbContext db, CancellationToken cancellationToken) =>
        db.Database.BeginTransactionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Statements first: a connection closes for good only when its statements are gone.
        statements?.Dispose();
        if (context is not null)
            await context.DisposeAsync();
        if (checkpoint is not null)
            await checkpoint.DisposeAsync();
        if (sqlite is not null)
            await sqlite.DisposeAsync();
    }

    private async Task<SqliteConnection> SqliteConnectionAsync(RewardPortalDbContext db, CancellationToken cancellationToken)
    {
        if (sqlite is not null)
            return sqlite;
        // Not from the pool, and never back to it: its settings (synchronous, the WAL hook) are the engine's alone.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        SqliteBusyWait.Apply(connection);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        checkpoint = SqliteBackgroundCheckpoint.Attach(connection, logger);
        return sqlite = connection;
    }
}
