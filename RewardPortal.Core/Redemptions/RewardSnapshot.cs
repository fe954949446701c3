using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

/// <summary>The reward as it was when redeemed: later edits to the catalogue do not rewrite history.</summary>
public class RewardSnapshot
{
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public RewardType Type { get; set; }
    public Currency CostCurrency { get; set; }
    public long Cost { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];

    public static RewardSnapshot Of(Reward reward) => new()
    {
        Name = reward.Name,
        Description = reward.Description,
        Type = reward.Type,
        CostCurrency = reward.CostCurrency,
        Cost = reward.Cost,
        Metadata = new(reward.Metadata),
    };
}
