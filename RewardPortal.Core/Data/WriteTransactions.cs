using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RewardPortal.Core.Data;

/// <summary>
/// Runs the busiest write transactions (redemptions, decisions, credits). The work gets a context that is already in a
/// transaction: it saves its changes and returns; the commit is the runner's. The work must touch the database only
/// through that context, and not run another of these transactions inside.
/// <para>On PostgreSQL each runs in a transaction of its own, side by side.</para>
/// <para>On SQLite, which has one writer at a time and pays an fsync per commit, they queue, and one writer loop runs
/// everything queued so far in one transaction, each piece inside its own savepoint (one that fails rolls back alone):
/// one commit, and one fsync, for all of them. This is group commit as database servers do it, with the same durability
/// as a commit each; the busier it gets, the larger the batches. The loop takes its turns at the <see cref="SqliteWriteGate"/>.</para>
/// <para>A piece that fails is rolled back whole (its savepoint, or its transaction), so EF's own savepoint around each
/// SaveChanges is turned off: two statements fewer per SaveChanges, and on PostgreSQL two round trips.</para>
/// </summary>
public sealed class WriteTransactions(
    IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate, ILogger<WriteTransactions>? logger = null) : IAsyncDisposable, IDisposable
{
    private const int MaxBatch = 64;
    private readonly Channel<IQueued> queue = Channel.CreateUnbounded<IQueued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock starting = new();
    private Task? writer;
    // The writer's connection while it has one (for tests: the checkpoints run beside it).
    private volatile WriterConnection? current;
    // Null until the first call finds out; then the SQLite connection string, or "" for another provider.
    private volatile string? sqliteConnectionString;

    /// <param name="timings">Filled in with where the piece's time went, when the caller keeps figures.</param>
    public async Task<T> RunAsync<T>(
        Func<RewardPortalDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default, WriteTimings? timings = null)
    {
        timings?.Queue();
        if (!await IsSqliteAsync(cancellationToken))
            return await RunAloneAsync(work, timings, cancellationToken);

        var queued = new Queued<T>(work, timings, cancellationToken);
        if (!queue.Writer.TryWrite(queued))
            throw new ObjectDisposedException(nameof(WriteTransactions), "The application is stopping.");
        EnsureWriter();
        // Not cancellable once queued: the piece may be running already. A cancelled piece still queued is skipped.
        return await queued.Done.Task;
    }

    /// <summary>WAL checkpoints run beside the writer's current connection (for tests).</summary>
    internal int CheckpointsBeside => current?.CheckpointsBeside ?? 0;

    /// <summary>Lets the writer finish what is queued, then stops it.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (writer is not null)
            await writer;
    }

    /// <summary>For hosts disposed synchronously: the same, waiting on the calling thread.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void EnsureWriter()
    {
        if (writer is not null)
            return;
        lock (starting)
            writer ??= Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<IQueued>(MaxBatch);
        // One connection for as long as it serves, so that the statements it has prepared are kept (PreparedStatements).
        WriterConnection? connection = null;
        try
        {
            while (await queue.Reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next))
                    batch.Add(next);
                using (await gate.EnterAsync())
                    current = connection = await RunBatchAsync(batch, connection);
                batch.Clear();
            }
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    private async Task<T> RunAloneAsync<T>(
        Func<RewardPortalDbContext, CancellationToken, Task<T>> work, WriteTimings? timings, CancellationToken cancellationToken)
    {
        timings?.Start();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(db, cancellationToken);
        timings?.Ran();
        await transaction.CommitAsync(cancellationToken);
        timings?.Committed();
        return result;
    }

    /// <summary>Runs the pieces in order in one transaction; each is answered once the commit is done (or failed).</summary>
    /// <param name="writerConnection">The writer's connection, or null to open one.</param>
    /// <returns>The connection, or null when the batch failed and took it down with it (the next batch opens another).</returns>
    private async Task<WriterConnection?> RunBatchAsync(List<IQueued> batch, WriterConnection? writerConnection)
    {
        var saved = new List<IQueued>(batch.Count);
        var failed = new List<(IQueued Piece, Exception Reason)>();
        try
        {
            writerConnection ??= await WriterConnection.OpenAsync(sqliteConnectionString!, dbFactory, logger ?? (ILogger)NullLogger.Instance);
            var connection = writerConnection.Connection;
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            var db = writerConnection.Context;
            await db.Database.UseTransactionAsync(transaction, CancellationToken.None);
            foreach (var piece in batch)
            {
                if (piece.CancellationToken.IsCancellationRequested)
                {
                    piece.Cancel();
                    continue;
                }
                db.ChangeTracker.Clear();
                await writerConnection.RunAsync("SAVEPOINT unit", transaction);
                try
                {
                    await piece.RunAsync(db);
                    await writerConnection.RunAsync("RELEASE unit", transaction);
                    saved.Add(piece);
                }
                catch (Exception e)
                {
                    // If SQLite gave the whole transaction up (a full disk, say), this throws too: the batch fails below.
                    await writerConnection.RunAsync("ROLLBACK TO unit", transaction);
                    await writerConnection.RunAsync("RELEASE unit", transaction);
                    failed.Add((piece, e));
                }
            }
            await transaction.CommitAsync(CancellationToken.None);
            await db.Database.UseTransactionAsync(null, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Nothing of this batch was committed: a piece that failed on its own is told why, every other one this reason.
            if (writerConnection is not null)
                await writerConnection.DisposeAsync();
            foreach (var (piece, reason) in failed)
                piece.Fail(reason);
            foreach (var piece in batch)
                piece.Fail(e);
            return null;
        }
        // A piece that failed is answered after the commit too, so that what it lost to (a redemption with the same
        // idempotency key earlier in this batch, say) can be read by the time it hears.
        foreach (var (piece, reason) in failed)
            piece.Fail(reason);
        foreach (var piece in saved)
            piece.Complete();
        return writerConnection;
    }

    /// <summary>
    /// The writer's SQLite connection, the statements prepared on it, and its WAL checkpoints, run beside it so that no
    /// batch waits for one (in `bench api`, 6-12 % more redemptions a second and a p99 3-4 ms lower: docs/benchmarks.md).
    /// Its context serves every batch, emptied before each piece: a new one resolved its services and model anew for
    /// each batch, a seventh of the writer's time under perf.
    /// </summary>
    private sealed class WriterConnection(SqliteConnection connection, RewardPortalDbContext context, ILogger logger) : IAsyncDisposable
    {
        private readonly PreparedStatements statements = PreparedStatements.KeepOn(connection);
        private readonly SqliteBackgroundCheckpoint checkpoint = SqliteBackgroundCheckpoint.Attach(connection, logger);

        public SqliteConnection Connection => connection;
        public RewardPortalDbContext Context => context;
        public int CheckpointsBeside => checkpoint.Completed;

        /// <summary>A statement of the batch's own (its savepoints), kept prepared: SqliteTransaction.Save prepares one anew every time.</summary>
        public Task RunAsync(string sql, SqliteTransaction transaction) => statements.Get(sql, c =>
        {
            var command = c.CreateCommand();
            command.CommandText = sql;
            return command;
        }, transaction).ExecuteNonQueryAsync(CancellationToken.None);

        public static async Task<WriterConnection> OpenAsync(string connectionString, IDbContextFactory<RewardPortalDbContext> dbFactory, ILogger logger)
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(CancellationToken.None);
            SqliteBusyWait.Apply(connection);
            // Each piece's savepoint keeps the pages it changes as they were, in a journal of its own that SQLite moves
            // to a temporary file past 64 KiB: with batches of twenty-odd redemptions, a file made, written and deleted
            // per batch (its writes a sixth of the app's samples under perf, docs/benchmarks.md). In memory it is a few
            // MiB at most (64 pieces a batch).
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA temp_store = MEMORY;";
                await pragma.ExecuteNonQueryAsync(CancellationToken.None);
            }
            var context = dbFactory.CreateUnpooledDbContext();
            context.Database.SetDbConnection(connection, contextOwnsConnection: false);
            context.Database.AutoSavepointsEnabled = false;
            return new WriterConnection(connection, context, logger);
        }

        public async ValueTask DisposeAsync()
        {
            await context.DisposeAsync();
            statements.Dispose();
            // First: it gives the connection SQLite's own auto-checkpoint back before the connection goes back to the pool.
            await checkpoint.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async ValueTask<bool> IsSqliteAsync(CancellationToken cancellationToken)
    {
        if (sqliteConnectionString is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            sqliteConnectionString = db.Database.IsSqlite() ? db.Database.GetConnectionString() ?? "" : "";
        }
        return sqliteConnectionString.Length > 0;
    }

    private interface IQueued
    {
        CancellationToken CancellationToken { get; }
        Task RunAsync(RewardPortalDbContext db);
        void Complete();
        void Fail(Exception exception);
        void Cancel();
    }

    private sealed class Queued<T>(
        Func<RewardPortalDbContext, CancellationToken, Task<T>> work, WriteTimings? timings, CancellationToken cancellationToken) : IQueued
    {
        private T? result;
        // The writer loop runs the piece in a flow of its own: the caller's span goes with it, so what the piece
        // records (an event's trace context, spans) belongs to the request that asked for it.
        private readonly Activity? caller = Activity.Current;

        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationToken CancellationToken => cancellationToken;

        public async Task RunAsync(RewardPortalDbContext db)
        {
            timings?.Start();
            // Set even when null: the writer loop's flow would otherwise keep the previous piece's span.
            Activity.Current = caller;
            result = await work(db, cancellationToken);
            timings?.Ran();
        }

        public void Complete()
        {
            timings?.Committed();
            Done.TrySetResult(result!);
        }

        public void Fail(Exception exception) => Done.TrySetException(exception);
        public void Cancel() => Done.TrySetCanceled(cancellationToken);
    }
}
