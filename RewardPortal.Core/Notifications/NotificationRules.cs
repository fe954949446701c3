using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Rewards;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Notifications;

/// <summary>
/// The rules of a notification, field by field, shared by the dialog (to show every problem at once) and the service
/// (which refuses the first). Field names are camelCase, as the API names them.
/// </summary>
public static class NotificationRules
{
    public const int MaxRecipients = 100;

    /// <summary>"When this happens": emails are for Reward Redemption; webhooks can follow every event.</summary>
    public static IReadOnlyList<string> EventsFor(NotificationChannel channel) =>
        channel == NotificationChannel.Email ? [EventTypes.RedemptionRequested] : EventTypes.All;

    public static IReadOnlyList<RewardType> RedemptionTypes { get; } = Enum.GetValues<RewardType>();

    public static Dictionary<string, string> Validate(NotificationInput input)
    {
        var errors = new Dictionary<string, string>();
        if (!Enum.IsDefined(input.Channel))
            errors["channel"] = "Choose Email or Webhook.";
        if (input.EventTypes.Count == 0)
            errors["eventTypes"] = "Choose when this happens.";
        else if (input.EventTypes.FirstOrDefault(e => !EventsFor(input.Channel).Contains(e)) is { } unknown)
            errors["eventTypes"] = input.Channel == NotificationChannel.Email
                ? "Email notifications are sent for Reward Redemption only."
                : $"Unknown event type: {unknown}.";
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
            if (input.RecipientIds.Count == 0)
                errors["recipientIds"] = "Choose at least one team member to receive the email.";
            else if (input.RecipientIds.Count > MaxRecipients)
                errors["recipientIds"] = $"At most {MaxRecipients} recipients.";
        }
        else if (WebhookAddressGuard.CheckSyntax(input.WebhookUrl) is { } urlError)
        {
            errors["webhookUrl"] = urlError;
        }
        return errors;
    }
}
