using Microsoft.EntityFrameworkCore;

namespace RewardPortal.Core.Data;

/// <summary>
/// On PostgreSQL, ids are handed out when rows are written, not when they commit: a row with a smaller id can commit
/// after a larger one, and a reader paging by id would already have passed it. Every transaction id below the oldest
/// one still running belongs to a transaction that has ended, so rows written by those are all there is to see below
/// that line, now and later. Readers page by (transaction id, id) and stop at this horizon. SQLite commits one writer
/// at a time, in id order: no horizon (null).
/// </summary>
public static class CommitHorizon
{
    public static async Task<long?> ReadAsync(RewardPortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
            return null;
        return await db.Database
            .SqlQueryRaw<long>("""SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "Value" """)
            .SingleAsync(cancellationToken);
    }
}
