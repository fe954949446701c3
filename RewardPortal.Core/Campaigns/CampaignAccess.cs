using RewardPortal.Core.Data;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Campaigns;

/// <summary>
/// Who may see and redeem a reward: everyone when it is limited to no campaign, otherwise the members of one of its
/// campaigns that is still active. The Redeem page and a redemption ask the same question.
/// </summary>
public static class CampaignAccess
{
    public static IQueryable<Reward> VisibleTo(this IQueryable<Reward> rewards, RewardPortalDbContext db, long participantId) =>
        rewards.Where(r => !r.Campaigns.Any()
            || r.Campaigns.Any(c => c.IsActive && db.CampaignMembers.Any(m => m.CampaignId == c.Id && m.ParticipantId == participantId)));
}
