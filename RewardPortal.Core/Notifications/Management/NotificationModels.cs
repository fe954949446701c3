using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Notifications.Management;

// What the screens and the REST API send to and get from NotificationService.

/// <summary>A notification as entered: the fields of the "Add notification" dialog.</summary>
public sealed record NotificationInput(
    string Name,
    NotificationChannel Channel,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<RewardType> RedemptionTypes,
    IReadOnlyList<string> RecipientIds,
    string? WebhookUrl,
    bool IsEnabled,
    bool NotifyParticipant = false,
    string? Description = null,
    IReadOnlyList<long>? CampaignIds = null,
    NotificationFrequency Frequency = NotificationFrequency.EveryTime,
    int? DigestHour = null)
{
    /// <summary>"In campaign(s)": empty (or null) is all campaigns.</summary>
    public IReadOnlyList<long> Campaigns => CampaignIds ?? [];
}

public sealed record LastDelivery(long Id, DeliveryStatus Status, DateTime At, int? StatusCode, string? Error);

public sealed record NotificationRow(
    long Id, string Name, NotificationChannel Channel, IReadOnlyList<string> EventTypes, IReadOnlyList<RewardType> RedemptionTypes,
    IReadOnlyList<string> RecipientIds, IReadOnlyList<string> RecipientNames, string? WebhookUrl, bool IsEnabled, string? DisabledReason,
    string? Description, bool RotationInProgress, LastDelivery? LastDelivery, bool NotifyParticipant = false, IReadOnlyList<long>? CampaignIds = null,
    NotificationFrequency Frequency = NotificationFrequency.EveryTime, int? DigestHour = null)
{
    public NotificationInput ToInput() =>
        new(
            Name, Channel, EventTypes, RedemptionTypes, RecipientIds, WebhookUrl, IsEnabled, NotifyParticipant, Description, CampaignIds, Frequency,
            DigestHour);
}

/// <summary>Answered once when a webhook is created: the only time its secret comes back without asking.</summary>
public sealed record CreatedNotification(long Id, string? Secret);

/// <summary>A member of the team who can receive emails: a staff user who is not disabled.</summary>
public sealed record TeamMember(string Id, string Name, string Email, string Role);
