using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace RewardPortal.Core.Data;

/// <summary>
/// Puts a SQLite database in WAL mode, where readers and the one writer do not wait for each other and a commit appends to
/// one log instead of writing a rollback journal, syncing it and deleting it. EF sets WAL only on a file it creates
/// itself; the app makes the file first (empty, readable by its user only), so EF never did, and is set here at every
/// start. The mode is kept in the file: on a database already in WAL this changes nothing.
/// </summary>
public static class SqliteJournalMode
{
    public static async Task UseWalAsync(RewardPortalDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
            return;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
            // An in-memory database answers "memory": it has no file to log to.
            if (mode is not ("wal" or "memory"))
                logger.LogWarning(
                    "The SQLite database stays in journal mode {Mode}: WAL could not be set (is it on a network file system?). "
                        + "Readers and the writer will wait for each other.", mode);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
