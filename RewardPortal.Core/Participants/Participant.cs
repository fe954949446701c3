namespace RewardPortal.Core.Participants;

public class Participant
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public PostalAddress Address { get; set; } = new();
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public long PointsBalance { get; set; }
    public long CashBalanceMinor { get; set; }
    public bool IsSuspended { get; set; }
    /// <summary>The Identity user this participant signs in as, if any.</summary>
    public string? UserId { get; set; }
    public DateTime CreatedAt { get; set; }
}
