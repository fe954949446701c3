using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace RewardPortal.Core.Data;

/// <summary>
/// Takes the WAL checkpoints off a connection that must not stall: the delivery engine's, and the writer that commits
/// redemptions in groups (<see cref="WriteTransactions"/>). A checkpoint copies the WAL into the database file and waits
/// for the disk twice; run by the committing connection, as SQLite's auto-checkpoint does every thousand pages, it held
/// up the engine's next turn for tens of milliseconds, long enough for its senders to run dry, and every caller of the
/// writer's batch with it.
/// Here the connection's commits only report the WAL's size (a wal hook, which replaces its auto-checkpoint), and past
/// the same thousand pages a task of its own runs a PASSIVE checkpoint on a second connection, which waits for no reader
/// or writer. But the WAL only starts over from its beginning when a write begins with every frame copied, which a
/// writer that never pauses never sees: past four thousand pages the commit checkpoints by itself after all, as SQLite
/// would have, copying only what the task has not yet copied (busy while the task's checkpoint runs: the next commit
/// tries again, so the bound is soft by a few commits). The connection must not go back to a pool with the hook
/// on it: dispose this first, which gives the connection SQLite's own auto-checkpoint back.
/// </summary>
internal sealed partial class SqliteBackgroundCheckpoint : IAsyncDisposable
{
    /// <summary>SQLite's own auto-checkpoint threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT).</summary>
    public const int PagesBeforeCheckpoint = 1000;

    /// <summary>The WAL's bound: past it the committing connection checkpoints by itself, so that its next write starts the WAL over.</summary>
    public const int MostPages = 4 * PagesBeforeCheckpoint;

    private readonly SqliteConnection hooked;
    private readonly SqliteConnection checkpointer;
    private readonly ILogger logger;
    private readonly Channel<bool> requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly GCHandle self;
    private readonly Task running;
    private int completed;

    private SqliteBackgroundCheckpoint(SqliteConnection hooked, ILogger logger)
    {
        (this.hooked, this.logger) = (hooked, logger);
        checkpointer = new SqliteConnection(hooked.ConnectionString);
        self = GCHandle.Alloc(this);
        Hook(hooked, GCHandle.ToIntPtr(self));
        running = Task.Run(RunAsync);
    }

    /// <summary>Checkpoints run so far (for tests).</summary>
    public int Completed => Volatile.Read(ref completed);

    /// <summary>Hooks an open connection; dispose before closing it, which gives the connection its auto-checkpoint back.</summary>
    public static SqliteBackgroundCheckpoint Attach(SqliteConnection connection, ILogger logger) => new(connection, logger);

    public async ValueTask DisposeAsync()
    {
        // SQLite's auto-checkpoint is a wal hook too: setting it back replaces this one.
        if (hooked.Handle is { } handle)
            raw.sqlite3_wal_autocheckpoint(handle, PagesBeforeCheckpoint);
        requests.Writer.TryComplete();
        await running;
        await checkpointer.DisposeAsync();
        self.Free();
    }

    /// <summary>Called by SQLite on the committing thread after every commit, with the pages now in the WAL.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int OnCommit(nint state, nint db, nint schema, int pages)
    {
        if (pages >= MostPages)
            sqlite3_wal_checkpoint(db, schema);
        else if (pages >= PagesBeforeCheckpoint && GCHandle.FromIntPtr(state).Target is SqliteBackgroundCheckpoint checkpoint)
            checkpoint.requests.Writer.TryWrite(true);
        return 0;
    }

    private async Task RunAsync()
    {
        await foreach (var _ in requests.Reader.ReadAllAsync())
        {
            try
            {
                if (checkpointer.State != System.Data.ConnectionState.Open)
                    await checkpointer.OpenAsync();
                await using var command = checkpointer.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync();
                Interlocked.Increment(ref completed);
            }
            catch (Exception e)
            {
                // Nothing is lost: the WAL grows until the next try, and the commits' own checkpoint still bounds it.
                logger.LogWarning(e, "A background WAL checkpoint failed; trying again after the next commit, in a second at the soonest.");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static unsafe void Hook(SqliteConnection connection, nint state) =>
        sqlite3_wal_hook(connection.Handle!.DangerousGetHandle(), &OnCommit, state);

    [LibraryImport("e_sqlite3")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe partial nint sqlite3_wal_hook(nint db, delegate* unmanaged[Cdecl]<nint, nint, nint, int, int> hook, nint state);

    [LibraryImport("e_sqlite3")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int sqlite3_wal_checkpoint(nint db, nint schema);
}
