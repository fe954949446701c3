using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Rewards;

/// <summary>What an import did with the codes it was given.</summary>
public record VoucherImportResult(int Added, int Duplicates, int Blanks, int TooLong)
{
    public int Rejected => Duplicates + Blanks + TooLong;
}

/// <summary>A code as the pool screen lists it.</summary>
public record VoucherCodeRow(long Id, string Code, bool Used, DateTime CreatedAt, DateTime? ClaimedAt, long? RedemptionId);

/// <summary>
/// A voucher reward's pool of codes. Codes go in with the database's unique index as the judge of duplicates, so two
/// imports at once never add the same code twice; used codes are never changed or removed.
/// </summary>
public sealed class VoucherPoolService(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxCodeLength = 200;
    public const int MaxCodesPerImport = 100_000;
    /// <summary>Codes per INSERT: two parameters are shared, one per code, well under SQLite's and Postgres's limits.</summary>
    internal const int BatchSize = 500;

    public async Task<VoucherImportResult> ImportAsync(long rewardId, IEnumerable<string?> codes, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reward = await RequireVoucherRewardAsync(db, rewardId, cancellationToken);

        int blanks = 0, tooLong = 0, duplicates = 0, added = 0, seen = 0;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<string>(BatchSize);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var raw in codes)
        {
            if (++seen > MaxCodesPerImport)
                throw PortalException.Invalid($"Import at most {MaxCodesPerImport:N0} codes at a time.", "codes");
            var code = raw?.Trim() ?? "";
            if (code.Length == 0)
                blanks++;
            else if (code.Length > MaxCodeLength)
                tooLong++;
            else if (!distinct.Add(code))
                duplicates++;
            else
                batch.Add(code);
        }

        // Validation above reads everything before writing anything: a file over the limit adds nothing.
        foreach (var chunk in batch.Chunk(BatchSize))
        {
            var inserted = await InsertIgnoringDuplicatesAsync(db, rewardId, chunk, now, cancellationToken);
            added += inserted;
            duplicates += chunk.Length - inserted;
        }

        var result = new VoucherImportResult(added, duplicates, blanks, tooLong);
        // New codes re-arm the low-stock alert, so the next time the pool runs low someone hears of it again.
        if (added > 0)
            await db.Rewards.Where(r => r.Id == rewardId).ExecuteUpdateAsync(s => s.SetProperty(r => r.LowStockAlertedAt, (DateTime?)null), cancellationToken);
        db.Audit(actor, "voucher_codes.imported", nameof(Reward), rewardId,
            $"{reward.Name}: {added} added, {duplicates} duplicates, {blanks} blank, {tooLong} too long");
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// One multi-row INSERT that skips codes the pool already has (ON CONFLICT DO NOTHING works on SQLite and Postgres).
    /// The affected-row count is what was really added, even when another import is writing the same codes.
    /// </summary>
    private static Task<int> InsertIgnoringDuplicatesAsync(
        RewardPortalDbContext db, long rewardId, string[] codes, DateTime now, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("INSERT INTO \"VoucherCodes\" (\"RewardId\", \"Code\", \"CreatedAt\") VALUES ");
        var parameters = new object[codes.Length + 2];
        parameters[0] = rewardId;
        parameters[1] = now;
        for (var i = 0; i < codes.Length; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append("({0}, {").Append(i + 2).Append("}, {1})");
            parameters[i + 2] = codes[i];
        }
        sql.Append(" ON CONFLICT (\"RewardId\", \"Code\") DO NOTHING");
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }

    public async Task<VoucherCounts> CountsAsync(long rewardId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await CountsAsync(db, rewardId, cancellationToken);
        return counts.GetValueOrDefault(rewardId, new VoucherCounts(0, 0));
    }

    /// <summary>Available and used counts per reward (one reward, or all), from the (RewardId, RedemptionId) index.</summary>
    internal static async Task<Dictionary<long, VoucherCounts>> CountsAsync(RewardPortalDbContext db, long? rewardId, CancellationToken cancellationToken)
    {
        var codes = db.VoucherCodes.AsNoTracking();
        if (rewardId is { } id)
            codes = codes.Where(v => v.RewardId == id);
        var rows = await codes.GroupBy(v => v.RewardId)
            .Select(g => new { RewardId = g.Key, Total = g.Count(), Used = g.Count(v => v.RedemptionId != null) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.RewardId, r => new VoucherCounts(r.Total - r.Used, r.Used));
    }

    /// <summary>A page of the pool, newest first; <paramref name="search"/> matches the start of a code.</summary>
    public async Task<Page<VoucherCodeRow>> PageAsync(long rewardId, string? search, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var codes = db.VoucherCodes.AsNoTracking().Where(v => v.RewardId == rewardId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            codes = codes.Where(v => v.Code.StartsWith(term));
        }
        var total = await codes.CountAsync(cancellationToken);
        var items = await codes.OrderByDescending(v => v.Id).Skip(page * pageSize).Take(pageSize)
            .Select(v => new VoucherCodeRow(v.Id, v.Code, v.RedemptionId != null, v.CreatedAt, v.ClaimedAt, v.RedemptionId))
            .ToListAsync(cancellationToken);
        return new Page<VoucherCodeRow>(items, total);
    }

    /// <summary>Removes an unused code. The condition is in the DELETE itself, so a code claimed a moment ago stays.</summary>
    public async Task RemoveAsync(long rewardId, long codeId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var code = await db.VoucherCodes.AsNoTracking().Where(v => v.Id == codeId && v.RewardId == rewardId).Select(v => v.Code)
            .FirstOrDefaultAsync(cancellationToken) ?? throw PortalException.NotFound("The voucher code");
        var removed = await db.VoucherCodes.Where(v => v.Id == codeId && v.RedemptionId == null).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
            throw PortalException.Conflict("This code has been used: used codes are kept with their redemption.", "voucher_code_used");
        db.Audit(actor, "voucher_code.removed", nameof(Reward), rewardId, code);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Empties the unused part of the pool; used codes stay. Returns how many were removed.</summary>
    public async Task<int> RemoveUnusedAsync(long rewardId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reward = await RequireVoucherRewardAsync(db, rewardId, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.VoucherCodes.Where(v => v.RewardId == rewardId && v.RedemptionId == null).ExecuteDeleteAsync(cancellationToken);
        db.Audit(actor, "voucher_codes.removed_unused", nameof(Reward), rewardId, $"{reward.Name}: {removed} removed");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    private static async Task<Reward> RequireVoucherRewardAsync(RewardPortalDbContext db, long rewardId, CancellationToken cancellationToken)
    {
        var reward = await db.Rewards.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rewardId && !r.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The reward");
        if (reward.Type != RewardType.VoucherCode)
            throw PortalException.Invalid("Only voucher code rewards have a pool of codes.", "type");
        return reward;
    }
}
