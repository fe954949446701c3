using Microsoft.EntityFrameworkCore;
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

    /// <summary>Whether one reward is visible to one participant: <see cref="VisibleTo"/>'s rule, compiled, as every redemption asks it.</summary>
    public static Task<bool> IsVisibleAsync(RewardPortalDbContext db, long rewardId, long participantId, CancellationToken cancellationToken) =>
        IsVisible.For(db)(db, rewardId, participantId, cancellationToken);

    // The same rule as VisibleTo, written out: a compiled query takes its values as parameters, not from a closure.
    private static readonly CompiledQuery<Func<RewardPortalDbContext, long, long, CancellationToken, Task<bool>>> IsVisible =
        new(() => EF.CompileAsyncQuery((RewardPortalDbContext db, long rewardId, long participantId, CancellationToken _) =>
            db.Rewards.Where(r => r.Id == rewardId).Any(r => !r.Campaigns.Any()
                || r.Campaigns.Any(c => c.IsActive && db.CampaignMembers.Any(m => m.CampaignId == c.Id && m.ParticipantId == participantId)))));
}
