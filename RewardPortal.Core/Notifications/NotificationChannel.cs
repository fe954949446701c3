namespace RewardPortal.Core.Notifications;

public enum NotificationChannel { Email = 0, Webhook = 1 }

/// <summary>"How often": Every Time is the only choice, kept as a field so the screens and the API can say so.</summary>
public enum NotificationFrequency { EveryTime = 0 }
