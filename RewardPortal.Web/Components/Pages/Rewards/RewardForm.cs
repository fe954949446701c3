using RewardPortal.Core.Common;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Web.Components.Shared;

namespace RewardPortal.Web.Components.Pages.Rewards;

/// <summary>The reward form as typed: cash as a decimal amount, metadata as rows. Core judges the result.</summary>
public sealed class RewardForm
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public RewardType Type { get; set; } = RewardType.Custom;
    public Currency CostCurrency { get; set; } = Currency.Points;
    public decimal? Cost { get; set; }
    public long? Stock { get; set; }
    public bool Enabled { get; set; } = true;
    public string? ImageUrl { get; set; }
    public IReadOnlyCollection<long> WebhookIds { get; set; } = [];
    public IReadOnlyCollection<long> CampaignIds { get; set; } = [];
    public List<KeyValueRow> Metadata { get; set; } = [];

    public void Load(RewardInput reward)
    {
        Name = reward.Name;
        Description = reward.Description;
        Type = reward.Type;
        CostCurrency = reward.CostCurrency;
        Cost = reward.CostCurrency == Currency.Cash ? Amounts.MinorToCash(reward.Cost) : reward.Cost;
        Stock = reward.Stock;
        Enabled = reward.Enabled;
        ImageUrl = reward.ImageUrl;
        WebhookIds = reward.WebhookIds.ToList();
        CampaignIds = reward.CampaignIds.ToList();
        Metadata = KeyValueRow.From(reward.Metadata);
    }

    public RewardInput ToInput(bool setStock) => new()
    {
        Name = Name,
        Description = Description,
        Type = Type,
        CostCurrency = CostCurrency,
        // A blank cost is zero, which Core refuses by name after checking the fields above it.
        Cost = Cost is { } cost ? Amounts.Parse(CostCurrency, cost, "cost") : 0,
        Stock = Stock,
        SetStock = setStock,
        Enabled = Enabled,
        ImageUrl = ImageUrl,
        Metadata = KeyValueRules.FromRows(KeyValueRow.Pairs(Metadata), "metadata"),
        WebhookIds = WebhookIds.ToList(),
        CampaignIds = CampaignIds.ToList(),
    };
}
