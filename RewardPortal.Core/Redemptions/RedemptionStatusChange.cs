namespace RewardPortal.Core.Redemptions;

public class RedemptionStatusChange
{
    public long Id { get; set; }
    public long RedemptionId { get; set; }
    public RedemptionStatus Status { get; set; }
    public required string Actor { get; set; }
    public string? Message { get; set; }
    public DateTime At { get; set; }
}
