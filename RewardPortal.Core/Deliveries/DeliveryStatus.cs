namespace RewardPortal.Core.Deliveries;

public enum DeliveryStatus { Pending = 0, Succeeded = 1, Failed = 2 }
