using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Events;

/// <summary>What an event is about, for matching it to notifications.</summary>
/// <param name="CampaignId">The campaign points were awarded in, or a participant was added to.</param>
public record EventSubject(
    long? RedemptionId = null, long? ParticipantId = null, long? RewardId = null, RewardType? RewardType = null, long? CampaignId = null);
