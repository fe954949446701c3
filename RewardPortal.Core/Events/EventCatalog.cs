using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Events;

/// <summary>One event type as integrators see it: what causes it, the shape of its "data", and an example.</summary>
public sealed record EventDefinition(string Type, string WebhookName, string EmailName, string Cause, Type DataType, object ExampleData)
{
    public JsonNode ExampleDataJson => JsonSerializer.SerializeToNode(ExampleData, DataType, PortalJson.Options)!;

    /// <summary>The whole webhook body, as JSON Schema (draft 2020-12).</summary>
    public JsonObject Schema() => EventCatalog.EnvelopeSchema(this);

    /// <summary>An example body, exactly as a delivery would send it.</summary>
    public JsonObject ExampleBody(DateTime timestamp) => new()
    {
        ["type"] = Type,
        ["timestamp"] = Webhooks.WebhookBody.Timestamp(timestamp),
        ["data"] = ExampleDataJson,
    };
}

/// <summary>
/// Every event type, in one list: the event catalog page, the OpenAPI document's webhooks, the notification dialog's
/// choices and the display names all read it, so a new event is added here and nowhere else.
/// </summary>
public static class EventCatalog
{
    public static readonly IReadOnlyList<EventDefinition> All =
    [
        new(EventTypes.RedemptionRequested, "Advocacy Redemption", "Reward Redemption",
            "A participant redeems a reward (on the Redeem page, or POST /api/v1/redemptions). Webhooks fire only for rewards they are assigned to.",
            typeof(RedemptionEventData), Examples.Redemption(RedemptionStatus.Requested)),
        new(EventTypes.RedemptionFulfilled, "Redemption Fulfilled", "Redemption Fulfilled",
            "The team fulfils a redemption (its page, or POST /api/v1/redemptions/{id}/fulfill). Webhooks fire only for rewards they are assigned to.",
            typeof(RedemptionEventData), Examples.Redemption(RedemptionStatus.Fulfilled)),
        new(EventTypes.RedemptionRefused, "Redemption Refused", "Redemption Refused",
            "The team refuses a redemption and the balance is refunded (its page, or POST /api/v1/redemptions/{id}/refuse). "
                + "Webhooks fire only for rewards they are assigned to.",
            typeof(RedemptionEventData), Examples.Redemption(RedemptionStatus.Refused)),
        new(EventTypes.ParticipantCreated, "Participant Created", "Participant Created",
            "A participant is created: by an admin, by a CSV import, or through POST /api/v1/participants.",
            typeof(ParticipantEventData), new ParticipantEventData(Examples.Participant)),
        new(EventTypes.PointsAwarded, "Points Awarded", "Points Awarded",
            "Points or cash are credited to a participant: by an admin, an import's opening balance, or POST /api/v1/participants/{id}/credits.",
            typeof(CreditEventData), new CreditEventData(Examples.Participant, Currency.Points, 500, 2000, "Quarterly sales bonus", Examples.Campaign)),
        new(EventTypes.PointsAdjusted, "Points Adjusted", "Points Adjusted",
            "An admin debits or corrects a participant's balance (Adjust balance, or a negative POST /api/v1/participants/{id}/credits): "
                + "the amount is negative.",
            typeof(CreditEventData), new CreditEventData(Examples.Participant, Currency.Points, -200, 1800, "Duplicate award corrected")),
        new(EventTypes.ParticipantUpdated, "Participant Updated", "Participant Updated",
            "A participant's details change (name, email, address or custom fields): by an admin, a CSV import, or PATCH /api/v1/participants/{id}.",
            typeof(ParticipantUpdatedEventData), new ParticipantUpdatedEventData(Examples.Participant, ["email", "address"])),
        new(EventTypes.ParticipantStatusChanged, "Participant Status Updated", "Participant Status Updated",
            "A participant is suspended or reinstated, or their portal access is granted or revoked.",
            typeof(ParticipantStatusEventData),
            new ParticipantStatusEventData(Examples.Participant with { Suspended = true }, ParticipantStatusChange.Suspended)),
        new(EventTypes.ParticipantAddedToCampaign, "Participant Added to Campaign", "Participant Added to Campaign",
            "A participant joins a campaign: by an admin on the campaign's page, or POST /api/v1/campaigns/{id}/participants.",
            typeof(CampaignMembershipEventData), new CampaignMembershipEventData(Examples.Participant, Examples.Campaign)),
        new(EventTypes.PayoutCreated, "Payout Created", "Payout Created",
            "A cash redemption is fulfilled: money is paid out. Sent beside redemption.fulfilled, with the same data.",
            typeof(RedemptionEventData), Examples.Redemption(RedemptionStatus.Fulfilled, RewardType.Cash)),
    ];

    public static EventDefinition? Find(string type) => All.FirstOrDefault(e => e.Type == type);

    private static readonly JsonSchemaExporterOptions ExporterOptions = new() { TreatNullObliviousAsNonNullable = true };

    internal static JsonObject EnvelopeSchema(EventDefinition definition) => new()
    {
        ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
        ["title"] = definition.Type,
        ["description"] = definition.Cause,
        ["type"] = "object",
        ["required"] = new JsonArray("type", "timestamp", "data"),
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["const"] = definition.Type },
            ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When the event happened (UTC)." },
            ["test"] = new JsonObject
            {
                ["type"] = "boolean",
                ["description"] = "Present and true only on examples sent by hand from the event catalog; never on a real delivery.",
            },
            ["data"] = PortalJson.Options.GetJsonSchemaAsNode(definition.DataType, ExporterOptions),
        },
    };

    /// <summary>Made-up records that look like the real thing, for examples only.</summary>
    private static class Examples
    {
        private static readonly DateTime Created = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

        public static readonly ParticipantPayload Participant = new(7, "Ada Lovelace", "ada@example.com",
            new AddressPayload("12 St James's Square", null, "London", null, "SW1Y 4JH", "GB"),
            new Dictionary<string, string> { ["T-shirt size"] = "M" }, 2000, 5000, false, Created);

        public static readonly CampaignPayload Campaign = new(2, "Spring referral push", "Refer a friend between March and May.",
            new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2027, 6, 1, 0, 0, 0, DateTimeKind.Utc), true);

        public static RedemptionEventData Redemption(RedemptionStatus status, RewardType type = RewardType.Custom)
        {
            var decided = status != RedemptionStatus.Requested;
            var requested = new DateTime(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);
            return new RedemptionEventData(
                new RedemptionPayload(41, status, 7, 3, Currency.Points, 500, null,
                    status switch
                    {
                        RedemptionStatus.Fulfilled => "Shipped with tracking number 1Z999",
                        RedemptionStatus.Refused => "Out of stock in your size: your points are back.",
                        _ => null,
                    },
                    requested, decided ? requested.AddHours(3) : null, decided ? "team@example.com" : null),
                Participant,
                type == RewardType.Cash
                    ? new RewardPayload(4, "$25 bank transfer", "Paid to the account on file.", RewardType.Cash, Currency.Points, 500,
                        new Dictionary<string, string> { ["payout"] = "bank-transfer" })
                    : new RewardPayload(3, "Branded hoodie", "A warm hoodie with the programme's logo.", RewardType.Custom, Currency.Points, 500,
                        new Dictionary<string, string> { ["sku"] = "HOOD-001", ["vendor"] = "Print shop" }));
        }
    }
}
