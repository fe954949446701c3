using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Auditing;

/// <summary>The audit log, newest first, a page at a time (by primary key, so it stays quick however long the log grows).</summary>
public sealed class AuditQueries(IDbContextFactory<RewardPortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <param name="actor">Only entries by this actor (exact, as recorded), or everyone.</param>
    public async Task<Page<AuditEntry>> PageAsync(int page, int pageSize, string? actor = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var who = actor.Trim();
            entries = entries.Where(e => e.Actor == who);
        }
        var total = await entries.CountAsync(cancellationToken);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var items = await entries.OrderByDescending(e => e.Id).Skip(Math.Max(page, 0) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Page<AuditEntry>(items, total);
    }
}
