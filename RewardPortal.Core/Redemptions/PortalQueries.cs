using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

/// <summary>A reward as the Redeem page shows it.</summary>
public record CatalogueItem(
    long Id, string Name, string Description, RewardType Type, Currency CostCurrency, long Cost, long? StockLeft, string? ImageUrl, long? CodesLeft)
{
    /// <summary>Out of stock, or a voucher pool with no codes.</summary>
    public bool SoldOut => StockLeft == 0 || CodesLeft == 0;
}

/// <summary>What a signed-in participant sees of their own account.</summary>
public sealed class PortalQueries(IDbContextFactory<RewardPortalDbContext> dbFactory)
{
    public async Task<Participant?> ParticipantForUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, cancellationToken);
    }

    public async Task<List<LedgerEntry>> RecentLedgerAsync(long participantId, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.ParticipantId == participantId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>What this participant may redeem: a reward limited to campaigns shows only to their members.</summary>
    public async Task<List<CatalogueItem>> CatalogueAsync(long participantId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Rewards.AsNoTracking().Where(r => r.IsEnabled && !r.IsDeleted).VisibleTo(db, participantId).OrderBy(r => r.Cost).ThenBy(r => r.Name)
            .Select(r => new CatalogueItem(r.Id, r.Name, r.Description, r.Type, r.CostCurrency, r.Cost, r.Stock, r.ImageUrl,
                r.Type == RewardType.VoucherCode ? db.VoucherCodes.Count(v => v.RewardId == r.Id && v.RedemptionId == null) : null))
            .ToListAsync(cancellationToken);
    }

    public async Task<List<Redemption>> RedemptionsAsync(long participantId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Redemptions.AsNoTracking().Where(r => r.ParticipantId == participantId)
            .OrderByDescending(r => r.Id).Take(500).ToListAsync(cancellationToken);
    }
}
