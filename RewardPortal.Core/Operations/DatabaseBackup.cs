using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Operations;

/// <summary>One backup file: where it is, how large, when it was taken.</summary>
public sealed record BackupFile(string Path, long Bytes, DateTime TakenAt)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// Consistent copies of the live SQLite database, taken while the app runs: SQLite's online backup API copies every page
/// within one read transaction, so the copy holds exactly the transactions committed before it began, and writers
/// (which WAL mode never blocks behind a reader) go on meanwhile. The copy is written beside its final name and renamed
/// into place, so a backup file is always whole.
/// </summary>
public sealed class DatabaseBackup(
    IDbContextFactory<RewardPortalDbContext> dbFactory, IOptions<BackupOptions> options, BackupFolder folder, TimeProvider clock,
    ILogger<DatabaseBackup> logger)
{
    public const string FilePrefix = "rewardportal-";
    public const string FileExtension = ".db";

    private readonly SemaphoreSlim oneAtATime = new(1);

    /// <summary>Whether this database can be backed up here (SQLite); PostgreSQL is backed up with pg_dump.</summary>
    public bool IsSupported
    {
        get
        {
            using var db = dbFactory.CreateDbContext();
            return db.Database.IsSqlite();
        }
    }

    /// <summary>A backup into the backup folder, named by its time; then the oldest beyond <see cref="BackupOptions.Keep"/> are deleted.</summary>
    public async Task<BackupFile> BackUpAsync(CancellationToken cancellationToken = default)
    {
        var name = $"{FilePrefix}{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}{FileExtension}";
        var backup = await BackUpToAsync(Path.Combine(folder.Path, name), cancellationToken);
        folder.Prune(options.Value.Keep);
        return backup;
    }

    /// <summary>The scheduled backup (a Hangfire recurring job: a plain Task, no result to store).</summary>
    public Task RunScheduledAsync(CancellationToken cancellationToken) => BackUpAsync(cancellationToken);

    /// <summary>A backup to <paramref name="path"/> (a file that must not exist yet).</summary>
    public async Task<BackupFile> BackUpToAsync(string path, CancellationToken cancellationToken = default)
    {
        path = Path.GetFullPath(path);
        if (File.Exists(path))
            throw new IOException($"{path} exists already; a backup never overwrites a file.");
        string source;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!db.Database.IsSqlite())
                throw new NotSupportedException("Backups from the app are for SQLite; back up PostgreSQL with pg_dump (see the README).");
            source = db.Database.GetConnectionString()!;
        }

        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var started = clock.GetUtcNow().UtcDateTime;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var partial = path + ".partial";
            await Task.Run(() => Copy(source, partial), cancellationToken);
            File.Move(partial, path);
            var file = new BackupFile(path, new FileInfo(path).Length, started);
            logger.LogInformation("Backed up the database to {Path} ({Bytes} bytes).", path, file.Bytes);
            return file;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private static void Copy(string sourceConnectionString, string destinationPath)
    {
        using var source = new SqliteConnection(
            new SqliteConnectionStringBuilder(sourceConnectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Pooling = false }.ToString());
        source.Open();
        destination.Open();
        // The backup API takes its read lock through SQLite's own busy handler, not the retry loop Microsoft.Data.Sqlite
        // gives commands, so without one a checkpoint or a writer's lock at the wrong moment fails the backup at once.
        using (var pragma = source.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}";
            pragma.ExecuteNonQuery();
        }
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Every page in one step, so one read transaction sees one committed state of the whole database.
                    source.BackupDatabase(destination);
                    return;
                }
                catch (SqliteException e) when (IsBusy(e) && attempt < BusyAttempts)
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(100 * attempt));
                }
            }
        }
        catch
        {
            destination.Close();
            File.Delete(destinationPath);
            throw;
        }
    }

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);
    private const int BusyAttempts = 5;

    private static bool IsBusy(SqliteException e) => e.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED
}

/// <summary>The folder of scheduled and on-demand backups.</summary>
public sealed class BackupFolder(string path)
{
    public string Path { get; } = path;

    /// <summary>The backups in the folder, newest first.</summary>
    public IReadOnlyList<BackupFile> List()
    {
        if (!Directory.Exists(Path))
            return [];
        return new DirectoryInfo(Path).EnumerateFiles($"{DatabaseBackup.FilePrefix}*{DatabaseBackup.FileExtension}")
            .Select(f => new BackupFile(f.FullName, f.Length, f.LastWriteTimeUtc))
            .OrderByDescending(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Deletes the oldest backups beyond <paramref name="keep"/> (names sort by the time they were taken).</summary>
    public void Prune(int keep)
    {
        foreach (var old in List().Skip(keep))
            File.Delete(old.Path);
    }
}
