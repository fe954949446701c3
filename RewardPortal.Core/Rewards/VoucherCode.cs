namespace RewardPortal.Core.Rewards;

public class VoucherCode
{
    public long Id { get; set; }
    public long RewardId { get; set; }
    public required string Code { get; set; }
    /// <summary>Set once, when a redemption claims the code; a claimed code is never handed out again.</summary>
    public long? RedemptionId { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
