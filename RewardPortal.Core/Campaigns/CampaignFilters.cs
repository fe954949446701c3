using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Core.Campaigns;

/// <summary>
/// "In this campaign" for the redemption queue and the delivery log, by the rule notifications route on: a redemption
/// belongs to the campaigns its reward is limited to, a points award or a membership to the campaign it was recorded in.
/// </summary>
public static class CampaignFilters
{
    public static IQueryable<Redemption> InCampaign(this IQueryable<Redemption> redemptions, RewardPortalDbContext db, long campaignId) =>
        redemptions.Where(r => db.Rewards.Any(w => w.Id == r.RewardId && w.Campaigns.Any(c => c.Id == campaignId)));

    public static IQueryable<Delivery> InCampaign(this IQueryable<Delivery> deliveries, RewardPortalDbContext db, long campaignId) =>
        deliveries.Where(d => d.Event!.CampaignId == campaignId
            || (d.Event.RewardId != null && db.Rewards.Any(w => w.Id == d.Event.RewardId && w.Campaigns.Any(c => c.Id == campaignId))));
}
