using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>Rows written straight into the database, for tests about reading them.</summary>
public static class TestData
{
    public static async Task<(Participant Participant, Reward Reward)> ParticipantAndRewardAsync(
        RewardPortalDbContext db, RewardType type = RewardType.Custom, long points = 0)
    {
        var now = DateTime.UtcNow;
        var participant = new Participant { Name = "Paging Person", Email = $"p{Guid.NewGuid():N}@example.com", PointsBalance = points, CreatedAt = now };
        var reward = new Reward
        {
            Name = $"Reward {Guid.NewGuid():N}", Type = type, Cost = 10, Metadata = new() { ["sku"] = "X-1" }, CreatedAt = now, UpdatedAt = now,
        };
        db.AddRange(participant, reward);
        await db.SaveChangesAsync();
        return (participant, reward);
    }

    /// <summary>A requested redemption (<see cref="Core.Redemptions.Redemption.Requested"/>), then set to <paramref name="status"/>.</summary>
    public static Redemption Redemption(Participant participant, Reward reward, RedemptionStatus status = RedemptionStatus.Requested)
    {
        var redemption = Core.Redemptions.Redemption.Requested(participant.Id, reward, actor: "participant", DateTime.UtcNow);
        redemption.Status = status;
        return redemption;
    }
}
