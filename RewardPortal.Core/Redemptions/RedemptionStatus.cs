namespace RewardPortal.Core.Redemptions;

public enum RedemptionStatus { Requested = 0, Fulfilled = 1, Refused = 2 }
