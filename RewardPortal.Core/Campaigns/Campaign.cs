namespace RewardPortal.Core.Campaigns;

/// <summary>
/// A named group the program runs (a spring referral push, a year-round loyalty programme). Participants join it, rewards
/// may be limited to it, and notifications may follow only its events ("In campaign(s)").
/// </summary>
public class Campaign
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DateTime? StartsAt { get; set; }
    public DateTime? EndsAt { get; set; }
    /// <summary>False once the program has ended it; its members, rewards and history stay.</summary>
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A participant's membership of a campaign, with when it began.</summary>
public class CampaignMember
{
    public long CampaignId { get; set; }
    public long ParticipantId { get; set; }
    public DateTime AddedAt { get; set; }
}
