using Hangfire;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Operations;

namespace RewardPortal.Web.Operations;

internal static class BackupCommand
{
    private const string RecurringJobId = "database-backup";

    /// <summary>
    /// <c>--backup PATH</c>: copies the database to PATH and exits, without starting the app or touching its schema.
    /// It runs beside a running app as well (the copy is consistent either way).
    /// </summary>
    /// <returns>The process's exit code when the arguments asked for a backup, otherwise null.</returns>
    public static async Task<int?> TryRunBackupAsync(this WebApplication app, string[] args)
    {
        var at = Array.IndexOf(args, "--backup");
        if (at < 0)
            return null;
        if (at + 1 >= args.Length || args[at + 1].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("Usage: RewardPortal.Web --backup PATH   (PATH: the backup file to write; it must not exist)");
            return 2;
        }
        var backup = app.Services.GetRequiredService<DatabaseBackup>();
        try
        {
            var file = await backup.BackUpToAsync(args[at + 1]);
            Console.WriteLine($"Backed up the database to {file.Path} ({file.Bytes} bytes).");
            return 0;
        }
        catch (Exception e) when (e is NotSupportedException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine($"Backup failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>On SQLite, the recurring backup of Backup:Schedule; off when the schedule is empty or the database is PostgreSQL.</summary>
    public static void RegisterScheduledBackup(this WebApplication app, IRecurringJobManager jobs)
    {
        var schedule = app.Services.GetRequiredService<IOptions<BackupOptions>>().Value.Schedule;
        if (string.IsNullOrWhiteSpace(schedule) || !app.Services.GetRequiredService<DatabaseBackup>().IsSupported)
        {
            jobs.RemoveIfExists(RecurringJobId);
            return;
        }
        try
        {
            jobs.AddOrUpdate<DatabaseBackup>(RecurringJobId, backup => backup.RunScheduledAsync(CancellationToken.None), schedule);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Backup:Schedule '{schedule}' is not a cron expression: {e.Message}", e);
        }
    }
}
