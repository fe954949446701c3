using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RewardPortal.Core.Data;

/// <summary>
/// How a SQLite connection waits for a database another connection is writing: by retrying every few milliseconds
/// until its timeout, inside SQLite. Without a handler Microsoft.Data.Sqlite retries after sleeping 150 ms, and SQLite's own
/// busy_timeout backs off to 100 ms sleeps; either way writers that meet (a redemption and the delivery engine) lose
/// tens to hundreds of milliseconds, and the longest waiter is the least likely to get in.
/// </summary>
public static unsafe partial class SqliteBusyWait
{
    public static void Apply(SqliteConnection connection) =>
        sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), &Retry, connection.DefaultTimeout * 1000);

    // When this thread's current busy wait began: SQLite calls the handler on the waiting thread, with count 0 first.
    [ThreadStatic]
    private static long WaitStarted;

    /// <summary>Called by SQLite while the database is busy; <paramref name="timeoutMs"/> is the handler's argument.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Retry(nint timeoutMs, int count)
    {
        // Measured by the clock, not by counting sleeps: on a loaded machine a 5 ms sleep lasts far longer, so a
        // timeout counted in sleeps stretches with the load.
        if (count == 0)
            WaitStarted = Stopwatch.GetTimestamp();
        else if (Stopwatch.GetElapsedTime(WaitStarted).TotalMilliseconds >= timeoutMs)
            return 0;
        // 1 ms steps for the first 20 tries (a commit usually ends by then), then 5 ms steps, so that many waiting writers
        // do not spend the CPU polling.
        Thread.Sleep(count < 20 ? 1 : 5);
        return 1;
    }

    [LibraryImport("e_sqlite3")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int sqlite3_busy_handler(nint db, delegate* unmanaged[Cdecl]<nint, int, int> handler, nint timeoutMs);
}

/// <summary>Applies <see cref="SqliteBusyWait"/> to every connection EF opens.</summary>
internal sealed class SqliteBusyWaitInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is SqliteConnection sqlite)
            SqliteBusyWait.Apply(sqlite);
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }
}
