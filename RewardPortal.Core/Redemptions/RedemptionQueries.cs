using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

/// <param name="CampaignId">Only redemptions of rewards limited to this campaign.</param>
public record RedemptionFilter(
    RedemptionStatus? Status = null, RewardType? RewardType = null, DateTime? From = null, DateTime? To = null, bool OldestFirst = false,
    long? CampaignId = null);

public static class RedemptionFilterQuery
{
    /// <summary>The queue's filter, shared by the page, the API and the CSV export so they always agree.</summary>
    public static IQueryable<Redemption> Matching(this IQueryable<Redemption> query, RedemptionFilter filter, RewardPortalDbContext db)
    {
        if (filter.Status is { } status)
            query = query.Where(r => r.Status == status);
        if (filter.RewardType is { } type)
            query = query.Where(r => r.RewardType == type);
        if (filter.From is { } from)
            query = query.Where(r => r.CreatedAt >= from);
        if (filter.To is { } to)
            query = query.Where(r => r.CreatedAt < to);
        if (filter.CampaignId is { } campaignId)
            query = query.InCampaign(db, campaignId);
        return query;
    }

    public static IQueryable<Redemption> InOrder(this IQueryable<Redemption> query, RedemptionFilter filter) =>
        filter.OldestFirst ? query.OrderBy(r => r.Id) : query.OrderByDescending(r => r.Id);
}

public record RedemptionRow(long Id, string ParticipantName, string ParticipantEmail, string RewardName, RewardType RewardType,
    Participants.Currency CostCurrency, long Cost, RedemptionStatus Status, DateTime CreatedAt, DateTime? DecidedAt, string? DecidedBy);

/// <summary>The fulfilment queue, paged in the database.</summary>
public sealed class RedemptionQueries(IDbContextFactory<RewardPortalDbContext> dbFactory)
{
    public async Task<Page<RedemptionRow>> PageAsync(RedemptionFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Redemptions.AsNoTracking().Matching(filter, db);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.InOrder(filter)
            .Skip(page * pageSize).Take(pageSize)
            .Select(r => new RedemptionRow(r.Id, r.Participant!.Name, r.Participant.Email, r.Reward.Name, r.RewardType, r.CostCurrency, r.Cost,
                r.Status, r.CreatedAt, r.DecidedAt, r.DecidedBy))
            .ToListAsync(cancellationToken);
        return new Page<RedemptionRow>(rows, total);
    }

    /// <summary>Everything the fulfilment team needs: the participant, the reward as redeemed, the history.</summary>
    public async Task<Redemption?> DetailAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Redemptions.AsNoTracking().Include(r => r.Participant).Include(r => r.History.OrderBy(h => h.Id))
            .FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
    }
}
