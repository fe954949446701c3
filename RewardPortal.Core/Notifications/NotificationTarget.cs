using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Notifications;

/// <summary>One enabled notification as matching sees it: what it listens to, and what it is limited to.</summary>
public sealed record NotificationTarget(
    long Id, NotificationChannel Channel, NotificationFrequency Frequency, IReadOnlySet<string> EventTypes, IReadOnlySet<RewardType> RedemptionTypes,
    IReadOnlySet<long> RewardIds, IReadOnlySet<long> CampaignIds);
