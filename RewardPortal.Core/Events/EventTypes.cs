namespace RewardPortal.Core.Events;

/// <summary>The event types of the outside contract, with the names the screens use.</summary>
public static class EventTypes
{
    public const string RedemptionRequested = "redemption.requested";
    public const string RedemptionFulfilled = "redemption.fulfilled";
    public const string RedemptionRefused = "redemption.refused";
    public const string ParticipantCreated = "participant.created";
    public const string PointsAwarded = "points.awarded";
    public const string PointsAdjusted = "points.adjusted";
    public const string ParticipantUpdated = "participant.updated";
    public const string ParticipantStatusChanged = "participant.status_changed";
    public const string ParticipantAddedToCampaign = "participant.added_to_campaign";
    public const string PayoutCreated = "payout.created";
    /// <summary>Sent only by "Send test"; never stored as an event.</summary>
    public const string Test = "webhook.test";
    /// <summary>A daily digest's own event: the email's frozen list. Never a webhook, and not in the catalog.</summary>
    public const string Digest = "notification.digest";

    /// <summary>Every event type, in the order of <see cref="EventCatalog"/>, where new ones are added.</summary>
    public static readonly IReadOnlyList<string> All = [.. EventCatalog.All.Select(e => e.Type)];

    /// <summary>
    /// The events that belong to a campaign, for which a notification's "In campaign(s)" choice applies: a redemption
    /// (and a payout) belongs to its reward's campaigns, points to the campaign they were awarded in.
    /// </summary>
    public static readonly IReadOnlyList<string> CampaignEvents =
        [RedemptionRequested, RedemptionFulfilled, RedemptionRefused, PointsAwarded, ParticipantAddedToCampaign, PayoutCreated];

    public static bool IsKnown(string type) => All.Contains(type);

    public static bool IsRedemptionEvent(string type) => type.StartsWith("redemption.", StringComparison.Ordinal);

    public static string DisplayName(string type, bool forWebhook) =>
        EventCatalog.Find(type) is { } definition ? (forWebhook ? definition.WebhookName : definition.EmailName) : type == Digest ? "Daily digest" : type;

    public static bool BelongsToCampaign(string type) => CampaignEvents.Contains(type);

    /// <summary>Events whose campaigns are the reward's (the subject's reward), rather than one named on the event.</summary>
    internal static bool TakesCampaignsFromReward(string type) => IsRedemptionEvent(type) || type == PayoutCreated;
}
