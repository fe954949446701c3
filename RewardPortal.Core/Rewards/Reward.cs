using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Rewards;

public class Reward
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public RewardType Type { get; set; }
    public Currency CostCurrency { get; set; }
    /// <summary>Points, or cash in minor units.</summary>
    public long Cost { get; set; }
    /// <summary>Units left; null means unlimited.</summary>
    public long? Stock { get; set; }
    /// <summary>The stock level the low-stock alert measures against (the last level an admin set).</summary>
    public long? StockCapacity { get; set; }
    public DateTime? LowStockAlertedAt { get; set; }
    public bool IsEnabled { get; set; } = true;
    public bool IsDeleted { get; set; }
    public string? ImageUrl { get; set; }
    public Dictionary<string, string> Metadata { get; set; } = [];
    public List<Notification> Webhooks { get; set; } = [];
    /// <summary>The campaigns whose participants alone see and redeem it; empty means everyone.</summary>
    public List<Campaign> Campaigns { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
