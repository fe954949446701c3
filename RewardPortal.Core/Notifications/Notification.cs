using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Notifications;

/// <summary>A rule of Settings > Notifications: send an email or a webhook when an event happens.</summary>
public class Notification
{
    public long Id { get; set; }
    /// <summary>What the program calls it: shown in lists, pick lists, the delivery log and alerts.</summary>
    public string Name { get; set; } = "";
    public NotificationChannel Channel { get; set; }
    public NotificationFrequency Frequency { get; set; }
    /// <summary>For a daily digest: the hour (0-23, in the program's time zone) it is sent at.</summary>
    public int? DigestHour { get; set; }
    /// <summary>Event types this notification fires for ("When this happens").</summary>
    public List<string> EventTypes { get; set; } = [];
    /// <summary>Redemption type filter; empty means every type.</summary>
    public List<RewardType> RedemptionTypes { get; set; } = [];
    public string? Description { get; set; }
    public List<AppUser> Recipients { get; set; } = [];
    /// <summary>Emails also go to the participant the redemption belongs to.</summary>
    public bool NotifyParticipant { get; set; }
    public string? WebhookUrl { get; set; }
    public bool IsEnabled { get; set; } = true;
    /// <summary>Why the engine turned it off by itself (for example a 410 Gone), shown beside Enabled.</summary>
    public string? DisabledReason { get; set; }
    /// <summary>When it was last turned off; "Re-enable and re-send" starts from here unless told otherwise.</summary>
    public DateTime? DisabledAt { get; set; }
    public bool IsDeleted { get; set; }
    /// <summary>The current signing secret, whsec_...</summary>
    public string? Secret { get; set; }
    /// <summary>The secret before the last rotation; it keeps signing beside the new one until it expires.</summary>
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    public List<Reward> Rewards { get; set; } = [];
    /// <summary>"In campaign(s)": for events that belong to a campaign, only these; empty means all campaigns.</summary>
    public List<Campaign> Campaigns { get; set; } = [];
    /// <summary>The team's email as the program writes it (Liquid, with its subject); null: the built-in email.</summary>
    public string? EmailSubjectTemplate { get; set; }
    public string? EmailBodyTemplate { get; set; }
    /// <summary>The participant's email as the program writes it; null: the built-in email.</summary>
    public string? ParticipantEmailSubjectTemplate { get; set; }
    public string? ParticipantEmailBodyTemplate { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
