namespace RewardPortal.Core.Notifications;

public enum NotificationChannel { Email = 0, Webhook = 1 }

/// <summary>"How often": an email (or webhook) per event, or, for emails, one digest a day listing the day's events.</summary>
public enum NotificationFrequency { EveryTime = 0, Daily = 1 }
