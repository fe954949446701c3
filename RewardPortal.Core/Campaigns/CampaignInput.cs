namespace RewardPortal.Core.Campaigns;

/// <summary>What an admin screen or the REST API sets on a campaign.</summary>
public sealed record CampaignInput(string Name, string? Description, DateTime? StartsAt, DateTime? EndsAt, bool Active = true)
{
    public static CampaignInput From(Campaign c) => new(c.Name, c.Description, c.StartsAt, c.EndsAt, c.IsActive);
}

/// <summary>A campaign as pick lists show it.</summary>
public sealed record CampaignOption(long Id, string Name, bool Active);

/// <summary>One line of the campaigns list.</summary>
public sealed record CampaignSummary(
    long Id, string Name, string Description, DateTime? StartsAt, DateTime? EndsAt, bool Active, int Members, int Rewards, DateTime CreatedAt,
    DateTime UpdatedAt);

public sealed record CampaignMemberRow(long ParticipantId, string Name, string Email, DateTime AddedAt);

public sealed record CampaignRewardRow(long RewardId, string Name, bool Enabled);

/// <summary>A campaign's page: the campaign, its members and the rewards limited to it.</summary>
public sealed record CampaignDetail(Campaign Campaign, IReadOnlyList<CampaignMemberRow> Members, IReadOnlyList<CampaignRewardRow> Rewards);
