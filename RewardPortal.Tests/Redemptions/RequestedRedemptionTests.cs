using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Tests.Redemptions;

/// <summary>The service and the tests make a requested redemption the same way, its history begun.</summary>
public sealed class RequestedRedemptionTests
{
    [Fact]
    public void ARequestedRedemptionSnapshotsTheRewardAndBeginsItsHistoryWithWhoAskedAndWhen()
    {
        var now = new DateTime(2026, 12, 6, 4, 0, 0, DateTimeKind.Utc);
        var reward = new Reward { Id = 7, Name = "Mug", Type = RewardType.Custom, Cost = 250, CostCurrency = Currency.Cash, CreatedAt = now, UpdatedAt = now };

        var redemption = Redemption.Requested(participantId: 3, reward, actor: "user:12", now);

        Assert.Equal(
            (3L, 7L, RewardType.Custom, Currency.Cash, 250L),
            (redemption.ParticipantId, redemption.RewardId, redemption.RewardType, redemption.CostCurrency, redemption.Cost));
        Assert.Equal("Mug", redemption.Reward.Name);
        Assert.Equal(RedemptionStatus.Requested, redemption.Status);
        Assert.Equal(now, redemption.CreatedAt);
        var first = Assert.Single(redemption.History);
        Assert.Equal((RedemptionStatus.Requested, "user:12", now), (first.Status, first.Actor, first.At));
    }
}
