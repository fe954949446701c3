using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

public class Redemption
{
    public long Id { get; set; }
    public long ParticipantId { get; set; }
    public Participant? Participant { get; set; }
    public long RewardId { get; set; }
    public required RewardSnapshot Reward { get; set; }
    /// <summary>Copied from the snapshot so queues can filter on it in the database.</summary>
    public RewardType RewardType { get; set; }
    public Currency CostCurrency { get; set; }
    public long Cost { get; set; }
    public RedemptionStatus Status { get; set; }
    /// <summary>What the fulfilment team tells the participant.</summary>
    public string? Message { get; set; }
    public string? VoucherCode { get; set; }
    /// <summary>Unique per <see cref="IdempotencyScope"/>: a repeated request with the same key returns this redemption.</summary>
    public string? IdempotencyKey { get; set; }
    /// <summary>Whose key it is ("api-key:12", "user:{id}"): one caller's keys never collide with another's.</summary>
    public string? IdempotencyScope { get; set; }
    /// <summary>Hash of the request that carried <see cref="IdempotencyKey"/>, to tell a retry from a different request.</summary>
    public string? RequestHash { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// On PostgreSQL, the id of the transaction that wrote the row (set by the database): with it the API's cursor never
    /// passes a row that commits after a larger id (see RedemptionCursor). Always 0 on SQLite, which commits in id order.
    /// </summary>
    public long TransactionId { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public List<RedemptionStatusChange> History { get; set; } = [];

    /// <summary>A redemption of <paramref name="reward"/> just requested, its history begun: the one way to make one.</summary>
    public static Redemption Requested(long participantId, Reward reward, string actor, DateTime now) => new()
    {
        ParticipantId = participantId,
        RewardId = reward.Id,
        Reward = RewardSnapshot.Of(reward),
        RewardType = reward.Type,
        CostCurrency = reward.CostCurrency,
        Cost = reward.Cost,
        Status = RedemptionStatus.Requested,
        CreatedAt = now,
        History = [new RedemptionStatusChange { Status = RedemptionStatus.Requested, Actor = actor, At = now }],
    };
}
