namespace RewardPortal.Core.Participants;

public enum LedgerEntryKind { Award = 0, Redemption = 1, Refund = 2, Adjustment = 3 }

/// <summary>One change of a balance. The balance columns on <see cref="Participant"/> are the running sum of these.</summary>
public class LedgerEntry
{
    public long Id { get; set; }
    public long ParticipantId { get; set; }
    public Currency Currency { get; set; }
    /// <summary>Signed: credits are positive, debits negative.</summary>
    public long Amount { get; set; }
    public long BalanceAfter { get; set; }
    public LedgerEntryKind Kind { get; set; }
    public required string Reason { get; set; }
    public required string Actor { get; set; }
    public long? RedemptionId { get; set; }
    /// <summary>The campaign points were awarded in, if any.</summary>
    public long? CampaignId { get; set; }
    public DateTime CreatedAt { get; set; }
}
