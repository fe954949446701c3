using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Operations;

/// <summary>The "Backup" section: online copies of a SQLite database (PostgreSQL is backed up with pg_dump).</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Where backups are written; relative paths are under the web app's folder.</summary>
    [Required]
    public string Directory { get; set; } = "App_Data/backups";

    /// <summary>When the scheduled backup runs, as a cron expression in UTC; empty turns it off.</summary>
    public string? Schedule { get; set; } = "0 3 * * *";

    /// <summary>How many backups the folder keeps: after each one, the oldest beyond this many are deleted.</summary>
    [Range(1, 10_000)]
    public int Keep { get; set; } = 7;
}
