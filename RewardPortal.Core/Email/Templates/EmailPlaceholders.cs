using System.Globalization;
using Fluid.Values;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Email.Templates;

/// <summary>A value a template can use, as the editor lists it.</summary>
public sealed record EmailPlaceholder(string Name, string Meaning, string Insert);

/// <summary>
/// The values a template sees, one list for the editor, the validator and the renderer alike: a name missing here is
/// refused at save, so a template never depends on a value the email does not carry.
/// </summary>
public static class EmailPlaceholders
{
    /// <summary>The items of <c>participant.custom_fields</c> and <c>reward.metadata</c>.</summary>
    public static readonly IReadOnlyList<string> PairMembers = ["name", "value"];

    public static readonly IReadOnlyList<string> Lists = ["participant.custom_fields", "reward.metadata"];

    public static readonly IReadOnlyList<EmailPlaceholder> All =
    [
        new("participant.name", "the participant's name", "{{ participant.name }}"),
        new("participant.email", "their email address", "{{ participant.email }}"),
        new("participant.address", "their postal address, one line each (| br keeps the lines in HTML)", "{{ participant.address | br }}"),
        new(
            "participant.custom_fields", "their custom fields, each with name and value",
            "{% for field in participant.custom_fields %}{{ field.name }}: {{ field.value }}<br>{% endfor %}"),
        new("reward.name", "the reward as redeemed", "{{ reward.name }}"),
        new("reward.type", "Custom, Voucher code, Gift card or Cash", "{{ reward.type }}"),
        new("reward.value", "its cost in words (500 points, 12.50 USD)", "{{ reward.value }}"),
        new("reward.description", "its description", "{{ reward.description | br }}"),
        new("reward.metadata", "its metadata, each with name and value", "{% for item in reward.metadata %}{{ item.name }}: {{ item.value }}<br>{% endfor %}"),
        new("redemption.id", "the redemption's number", "{{ redemption.id }}"),
        new("redemption.status", "Requested, Fulfilled or Refused", "{{ redemption.status }}"),
        new("redemption.cost", "what it cost (500 pts, 12.50 USD)", "{{ redemption.cost }}"),
        new(
            "redemption.message", "the team's message to the participant (empty until there is one)",
            "{% if redemption.message %}{{ redemption.message | br }}{% endif %}"),
        new("redemption.voucher_code", "the voucher code, for voucher rewards", "{% if redemption.voucher_code %}{{ redemption.voucher_code }}{% endif %}"),
        new("redemption.refund", "what a refusal refunded (empty otherwise)", "{% if redemption.refund %}{{ redemption.refund }}{% endif %}"),
        new("redemption.requested_at", "when it was requested (UTC)", "{{ redemption.requested_at }}"),
        new("event.name", "what happened: Reward Redemption, Redemption Fulfilled, Redemption Refused", "{{ event.name }}"),
        new("event.time", "when it happened (UTC)", "{{ event.time }}"),
        new("links.redemption", "the redemption in RewardPortal, for the team", "{{ links.redemption }}"),
        new("links.my_redemptions", "My redemptions, for the participant", "{{ links.my_redemptions }}"),
    ];

    /// <summary>The values of one redemption event, by the names above. Absent values are nil, so <c>{% if %}</c> tests them.</summary>
    public static Dictionary<string, object?> Model(string eventType, DateTime occurredAt, RedemptionEventData data, MoneyFormat money, PortalLinks links)
    {
        var (redemption, participant, reward) = (data.Redemption, data.Participant, data.Reward);
        return new Dictionary<string, object?>
        {
            ["participant"] = new Dictionary<string, object?>
            {
                ["name"] = participant.Name,
                ["email"] = participant.Email,
                ["address"] = NotificationEmailComposer.Address(participant.Address),
                ["custom_fields"] = Pairs(participant.CustomFields),
            },
            ["reward"] = new Dictionary<string, object?>
            {
                ["name"] = reward.Name,
                ["type"] = reward.Type.Display(),
                ["value"] = money.Words(reward.CostCurrency, reward.Cost),
                ["description"] = reward.Description,
                ["metadata"] = Pairs(reward.Metadata),
            },
            ["redemption"] = new Dictionary<string, object?>
            {
                ["id"] = redemption.Id,
                ["status"] = redemption.Status.ToString(),
                ["cost"] = money.Format(redemption.CostCurrency, redemption.Cost),
                ["message"] = Nil(redemption.Message),
                ["voucher_code"] = Nil(redemption.VoucherCode),
                ["refund"] = redemption.Status == RedemptionStatus.Refused ? money.Words(redemption.CostCurrency, redemption.Cost) : NilValue.Instance,
                ["requested_at"] = Time(redemption.CreatedAt),
            },
            ["event"] = new Dictionary<string, object?>
            {
                ["name"] = EventTypes.DisplayName(eventType, forWebhook: false),
                ["time"] = Time(occurredAt),
            },
            ["links"] = new Dictionary<string, object?>
            {
                ["redemption"] = links.Absolute($"/admin/redemptions/{redemption.Id}"),
                ["my_redemptions"] = links.Absolute(NotificationEmailComposer.MyRedemptionsPath),
            },
        };
    }

    /// <summary>
    /// A made-up redemption with every value present, for the preview when no real one matches and for trying a template
    /// at save in each status.
    /// </summary>
    public static (string EventType, DateTime OccurredAt, RedemptionEventData Data) Sample(RedemptionStatus status)
    {
        var at = new DateTime(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);
        var eventType = status switch
        {
            RedemptionStatus.Fulfilled => EventTypes.RedemptionFulfilled,
            RedemptionStatus.Refused => EventTypes.RedemptionRefused,
            _ => EventTypes.RedemptionRequested,
        };
        var data = new RedemptionEventData(
            new RedemptionPayload(41, status, 7, 3, Currency.Points, 500, "HOODIE-0042",
                status == RedemptionStatus.Requested ? null : "Shipped with tracking number 1Z999", at,
                status == RedemptionStatus.Requested ? null : at.AddHours(2), null),
            new ParticipantPayload(7, "Ada Lovelace", "ada@example.com",
                new AddressPayload("12 St James's Square", null, "London", null, "SW1Y 4JH", "GB"),
                new Dictionary<string, string> { ["T-shirt size"] = "M" }, 1500, 0, false, at.AddDays(-3)),
            new RewardPayload(3, "Branded hoodie", "A warm hoodie with the logo.", RewardType.VoucherCode, Currency.Points, 500,
                new Dictionary<string, string> { ["sku"] = "HOOD-001", ["vendor"] = "Print shop" }));
        return (eventType, status == RedemptionStatus.Requested ? at : at.AddHours(2), data);
    }

    private static List<object?> Pairs(IReadOnlyDictionary<string, string> pairs) =>
        [.. pairs.Select(p => (object?)new Dictionary<string, object?> { ["name"] = p.Key, ["value"] = p.Value })];

    private static object Nil(string? value) => value is null ? NilValue.Instance : value;

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
