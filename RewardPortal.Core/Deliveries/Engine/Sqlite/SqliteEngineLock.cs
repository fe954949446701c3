using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace RewardPortal.Core.Deliveries.Engine.Sqlite;

/// <summary>
/// One delivery engine per SQLite database: an exclusive lock on a file beside it, held while the engine runs. The
/// operating system lets go of it the moment the process ends, however it ends, so the engine that takes it next knows
/// that every lease in the database belongs to an engine that is gone, and can send that work again at once instead of
/// waiting for the leases to run out. A second process on the same file stands by and takes over when the first stops.
/// </summary>
internal sealed class SqliteEngineLock : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    private readonly FileStream file;

    private SqliteEngineLock(FileStream file) => this.file = file;

    /// <summary>Where the lock of the database in <paramref name="connectionString"/> lives; null for a database in memory.</summary>
    public static string? PathFor(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource) + ".engine-lock";
    }

    /// <summary>Waits until this process holds the lock; says once that it stands by if another process holds it.</summary>
    public static async Task<SqliteEngineLock> AcquireAsync(string path, ILogger logger, CancellationToken cancellationToken)
    {
        var waiting = false;
        while (true)
        {
            if (TryTake(path) is { } taken)
            {
                if (waiting)
                    logger.LogInformation("The delivery engine that held {Lock} stopped; this process runs it now.", path);
                return taken;
            }
            if (!waiting)
                logger.LogWarning(
                    "Another process runs the delivery engine on this SQLite database ({Lock}); this one stands by and takes over if that one stops.", path);
            waiting = true;
            await Task.Delay(Retry, cancellationToken);
        }
    }

    public void Dispose() => file.Dispose();

    private static SqliteEngineLock? TryTake(string path)
    {
        try
        {
            // FileShare.None is an exclusive lock that other processes (and other opens in this one) are refused.
            return new SqliteEngineLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not (DirectoryNotFoundException or PathTooLongException))
        {
            // Held by another process. A missing folder or a bad path is not worth standing by for: it surfaces.
            return null;
        }
    }
}
