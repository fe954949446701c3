using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Rewards;

/// <summary>What an admin screen or the REST API sets on a reward. Costs in cash are in minor units.</summary>
public record RewardInput
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public RewardType Type { get; init; }
    public Currency CostCurrency { get; init; }
    public long Cost { get; init; }
    /// <summary>Units left; null is unlimited.</summary>
    public long? Stock { get; init; }
    /// <summary>
    /// On update, whether <see cref="Stock"/> is being set at all. Redemptions lower the stock while a form is open, so a
    /// save that did not touch the field must not write the stale number back (a PATCH without stock sets this false).
    /// </summary>
    public bool SetStock { get; init; } = true;
    public bool Enabled { get; init; } = true;
    public string? ImageUrl { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>Webhook notifications that fire for this reward's redemptions (the Webhook pick list).</summary>
    public IReadOnlyCollection<long> WebhookIds { get; init; } = [];
    /// <summary>The campaigns whose participants alone see and redeem it; empty is everyone.</summary>
    public IReadOnlyCollection<long> CampaignIds { get; init; } = [];

    /// <summary>The reward as it stands, for an edit form or a PATCH to start from.</summary>
    public static RewardInput From(Reward reward) => new()
    {
        Name = reward.Name,
        Description = reward.Description,
        Type = reward.Type,
        CostCurrency = reward.CostCurrency,
        Cost = reward.Cost,
        Stock = reward.Stock,
        SetStock = false,
        Enabled = reward.IsEnabled,
        ImageUrl = reward.ImageUrl,
        Metadata = new Dictionary<string, string>(reward.Metadata),
        WebhookIds = reward.Webhooks.Where(w => !w.IsDeleted).Select(w => w.Id).ToList(),
        CampaignIds = reward.Campaigns.Select(c => c.Id).ToList(),
    };
}

/// <summary>A webhook notification as the pick list shows it.</summary>
public record WebhookOption(long Id, string Name, bool Enabled);

/// <summary>One line of the rewards list.</summary>
public record RewardSummary(
    long Id, string Name, RewardType Type, Currency CostCurrency, long Cost, long? Stock, bool Enabled, string? ImageUrl,
    IReadOnlyList<WebhookOption> Webhooks, VoucherCounts? Vouchers, IReadOnlyList<string>? Campaigns = null);

public record VoucherCounts(int Available, int Used);
