using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Rewards;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Notifications.Management;

/// <summary>
/// The rules of a notification, field by field, shared by the dialog (to show every problem at once) and the service
/// (which refuses the first). Field names are camelCase, as the API names them.
/// </summary>
public static class NotificationRules
{
    public const int MaxRecipients = 100;
    public const int MaxNameLength = 200;

    /// <summary>"When this happens": emails follow redemptions (requested, fulfilled, refused); webhooks can follow every event.</summary>
    public static IReadOnlyList<string> EventsFor(NotificationChannel channel) =>
        channel == NotificationChannel.Email ? EmailEvents : EventTypes.All;

    private static readonly string[] EmailEvents = [EventTypes.RedemptionRequested, EventTypes.RedemptionFulfilled, EventTypes.RedemptionRefused];

    public static IReadOnlyList<RewardType> RedemptionTypes { get; } = Enum.GetValues<RewardType>();

    public static Dictionary<string, string> Validate(NotificationInput input)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(input.Name))
            errors["name"] = "Give the notification a name.";
        else if (input.Name.Trim().Length > MaxNameLength)
            errors["name"] = $"The name is longer than {MaxNameLength} characters.";
        else if (!TextRules.IsSingleLine(input.Name))
            errors["name"] = $"The name {TextRules.SingleLineRule}.";
        if (!Enum.IsDefined(input.Channel))
            errors["channel"] = "Choose Email or Webhook.";
        if (input.EventTypes.Count == 0)
            errors["eventTypes"] = "Choose when this happens.";
        else if (input.EventTypes.FirstOrDefault(e => !EventsFor(input.Channel).Contains(e)) is { } unknown)
            errors["eventTypes"] = input.Channel == NotificationChannel.Email
                ? "Email notifications are sent for redemptions only: requested, fulfilled or refused."
                : $"Unknown event type: {unknown}.";
        if (input.Campaigns.Count > 0 && !errors.ContainsKey("eventTypes") && !input.EventTypes.Any(EventTypes.BelongsToCampaign))
            errors["campaignIds"] = "Campaigns apply only to events that belong to a campaign: redemptions, points awarded, joining a campaign and payouts.";
        if (input.Description is { Length: > 500 })
            errors["description"] = "The description is longer than 500 characters.";
        else if (input.Description is not null && !TextRules.IsSingleLine(input.Description))
            errors["description"] = $"The description {TextRules.SingleLineRule}.";

        if (input.Channel == NotificationChannel.Email)
        {
            if (input.RedemptionTypes.Count == 0)
                errors["redemptionTypes"] = "Choose at least one redemption type.";
            else if (input.RedemptionTypes.Any(t => !Enum.IsDefined(t)))
                errors["redemptionTypes"] = "Unknown redemption type.";
            if (input.RecipientIds.Count == 0 && !input.NotifyParticipant)
                errors["recipientIds"] = "Choose the participant or at least one team member to receive the email.";
            else if (input.RecipientIds.Count > MaxRecipients)
                errors["recipientIds"] = $"At most {MaxRecipients} recipients.";
        }
        else if (WebhookAddressGuard.CheckSyntax(input.WebhookUrl) is { } urlError)
        {
            errors["webhookUrl"] = urlError;
        }
        if (FrequencyError(input) is { } frequencyError)
            errors[frequencyError.Field] = frequencyError.Message;
        return errors;
    }

    private static (string Field, string Message)? FrequencyError(NotificationInput input)
    {
        if (!Enum.IsDefined(input.Frequency))
            return ("frequency", "Choose Every Time or Daily digest.");
        if (input.Frequency != NotificationFrequency.Daily)
            return null;
        if (input.Channel == NotificationChannel.Webhook)
            return ("frequency", "Webhooks are sent every time: a daily digest is for emails only.");
        if (input.NotifyParticipant)
            return ("frequency", "A daily digest goes to team members only: participants are told about their own redemptions every time.");
        if (input.DigestHour is not (>= 0 and <= 23))
            return ("digestHour", "Choose the hour the digest is sent at, from 0 to 23.");
        return null;
    }

    /// <summary>
    /// The other email notifications that would email one of the same people about one of the same events: harmless (each
    /// person gets one email per event), but worth saying, since the other rule's settings then decide nothing new.
    /// </summary>
    public static IReadOnlyList<string> Overlaps(NotificationInput input, long? id, IEnumerable<NotificationRow> others)
    {
        if (input.Channel != NotificationChannel.Email || !input.IsEnabled)
            return [];
        return others
            .Where(o => o.Id != id && o.Channel == NotificationChannel.Email && o.IsEnabled && o.Frequency == input.Frequency)
            .Where(o => o.EventTypes.Intersect(input.EventTypes).Any())
            .Where(o => o.RedemptionTypes.Count == 0 || input.RedemptionTypes.Count == 0 || o.RedemptionTypes.Intersect(input.RedemptionTypes).Any())
            .Where(o => (o.NotifyParticipant && input.NotifyParticipant) || o.RecipientIds.Intersect(input.RecipientIds).Any())
            .Select(o => o.Name)
            .ToList();
    }
}
