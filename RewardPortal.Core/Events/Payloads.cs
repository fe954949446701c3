using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Events;

// The shapes carried by webhooks and answered by the REST API. Records, mapped explicitly.

public record AddressPayload(string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country)
{
    public static AddressPayload Of(PostalAddress a) => new(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country);
}

public record ParticipantPayload(
    long Id, string Name, string Email, AddressPayload Address, IReadOnlyDictionary<string, string> CustomFields,
    long PointsBalance, long CashBalanceMinor, bool Suspended, DateTime CreatedAt)
{
    public static ParticipantPayload Of(Participant p) => new(
        p.Id, p.Name, p.Email, AddressPayload.Of(p.Address), p.CustomFields, p.PointsBalance, p.CashBalanceMinor, p.IsSuspended, p.CreatedAt);
}

public record RewardPayload(
    long Id, string Name, string Description, RewardType Type, Currency CostCurrency, long Cost, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The reward as the redemption saw it.</summary>
    public static RewardPayload Of(long rewardId, RewardSnapshot s) => new(rewardId, s.Name, s.Description, s.Type, s.CostCurrency, s.Cost, s.Metadata);
}

public record RedemptionPayload(
    long Id, RedemptionStatus Status, long ParticipantId, long RewardId, Currency CostCurrency, long Cost,
    string? VoucherCode, string? Message, DateTime CreatedAt, DateTime? DecidedAt, string? DecidedBy)
{
    public static RedemptionPayload Of(Redemption r) => new(
        r.Id, r.Status, r.ParticipantId, r.RewardId, r.CostCurrency, r.Cost, r.VoucherCode, r.Message, r.CreatedAt, r.DecidedAt, r.DecidedBy);
}

/// <summary>The "data" of every redemption.* event.</summary>
public record RedemptionEventData(RedemptionPayload Redemption, ParticipantPayload Participant, RewardPayload Reward)
{
    public static RedemptionEventData Of(Redemption r, Participant p) =>
        new(RedemptionPayload.Of(r), ParticipantPayload.Of(p), RewardPayload.Of(r.RewardId, r.Reward));
}

/// <summary>The "data" of participant.created.</summary>
public record ParticipantEventData(ParticipantPayload Participant);

/// <summary>
/// The "data" of points.awarded (a credit of points or cash, in a campaign or not) and points.adjusted (an admin's debit
/// or correction: the amount is negative).
/// </summary>
public record CreditEventData(
    ParticipantPayload Participant, Currency Currency, long Amount, long BalanceAfter, string Reason, CampaignPayload? Campaign = null);

public record CampaignPayload(long Id, string Name, string Description, DateTime? StartsAt, DateTime? EndsAt, bool Active)
{
    public static CampaignPayload Of(Campaign c) => new(c.Id, c.Name, c.Description, c.StartsAt, c.EndsAt, c.IsActive);
}

/// <summary>The "data" of participant.updated: the participant as they are now, and which of their details changed.</summary>
public record ParticipantUpdatedEventData(ParticipantPayload Participant, IReadOnlyList<string> Changed);

/// <summary>What participant.status_changed reports.</summary>
public enum ParticipantStatusChange { Suspended, Reinstated, PortalAccessGranted, PortalAccessRevoked }

/// <summary>The "data" of participant.status_changed.</summary>
public record ParticipantStatusEventData(ParticipantPayload Participant, ParticipantStatusChange Change);

/// <summary>The "data" of participant.added_to_campaign.</summary>
public record CampaignMembershipEventData(ParticipantPayload Participant, CampaignPayload Campaign);
