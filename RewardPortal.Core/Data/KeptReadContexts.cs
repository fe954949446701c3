using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace RewardPortal.Core.Data;

/// <summary>
/// Contexts for the reads every redemption makes before its write. On SQLite each keeps its connection open between
/// uses, with the statements EF runs on it kept prepared (<see cref="PreparedStatements"/>, <see cref="KeptCommandInterceptor"/>):
/// a pooled connection is closed after each use, which throws away what it prepared. On PostgreSQL, a pooled context as
/// any other (Npgsql keeps its prepared statements itself).
/// </summary>
public sealed class KeptReadContexts(IDbContextFactory<RewardPortalDbContext> dbFactory) : IAsyncDisposable
{
    // As many as read at once (RedemptionService's turns to read); more are made when needed, and not kept.
    private static readonly int MaxIdle = Environment.ProcessorCount * 2;
    private readonly ConcurrentBag<Kept> idle = [];
    private bool disposed;

    /// <summary>A context to read through; give it back with <see cref="ReturnAsync"/>, or dispose it if a read failed.</summary>
    public async Task<RewardPortalDbContext> TakeAsync(CancellationToken cancellationToken)
    {
        if (idle.TryTake(out var kept))
            return kept.Db;
        var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
            return db;
        await db.Database.OpenConnectionAsync(cancellationToken);
        PreparedStatements.KeepOn(db.Database.GetDbConnection());
        return db;
    }

    public async ValueTask ReturnAsync(RewardPortalDbContext db, bool failed)
    {
        var connection = db.Database.GetDbConnection();
        if (!failed && !disposed && PreparedStatements.Of(connection) is { } statements && idle.Count < MaxIdle)
        {
            db.ChangeTracker.Clear();
            idle.Add(new Kept(db, statements));
            return;
        }
        PreparedStatements.Of(connection)?.Dispose();
        await db.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        while (idle.TryTake(out var kept))
        {
            kept.Statements.Dispose();
            await kept.Db.DisposeAsync();
        }
    }

    private sealed record Kept(RewardPortalDbContext Db, PreparedStatements Statements);
}
