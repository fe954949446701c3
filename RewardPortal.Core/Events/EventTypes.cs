namespace RewardPortal.Core.Events;

/// <summary>The event types of the outside contract, with the names the screens use.</summary>
public static class EventTypes
{
    public const string RedemptionRequested = "redemption.requested";
    public const string RedemptionFulfilled = "redemption.fulfilled";
    public const string RedemptionRefused = "redemption.refused";
    public const string ParticipantCreated = "participant.created";
    public const string PointsAwarded = "points.awarded";
    /// <summary>Sent only by "Send test"; never stored as an event.</summary>
    public const string Test = "webhook.test";

    /// <summary>Every event type, in the order of <see cref="EventCatalog"/>, where new ones are added.</summary>
    public static readonly IReadOnlyList<string> All = [.. EventCatalog.All.Select(e => e.Type)];

    public static bool IsKnown(string type) => All.Contains(type);

    public static bool IsRedemptionEvent(string type) => type.StartsWith("redemption.", StringComparison.Ordinal);

    public static string DisplayName(string type, bool forWebhook) =>
        EventCatalog.Find(type) is { } definition ? (forWebhook ? definition.WebhookName : definition.EmailName) : type;
}
