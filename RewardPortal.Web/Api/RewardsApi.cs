using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

public record RewardResponse(
    long Id, string Name, string Description, RewardType Type, Currency CostCurrency, long Cost, long? Stock, bool Enabled,
    string? ImageUrl, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<long> WebhookIds, long? VoucherCodesAvailable,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<long> CampaignIds);

internal static partial class RewardsApi
{
    public static void MapRewardsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/rewards").WithTags("Rewards").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListRewards");
        MapCommands(group);
    }

    static partial void MapCommands(RouteGroupBuilder group);

    public static async Task<Ok<List<RewardResponse>>> ListAsync(IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return TypedResults.Ok(await QueryAsync(db, db.Rewards.Where(r => !r.IsDeleted), cancellationToken));
    }

    internal static async Task<List<RewardResponse>> QueryAsync(RewardPortalDbContext db, IQueryable<Reward> rewards, CancellationToken cancellationToken)
    {
        var rows = await rewards.AsNoTracking().OrderBy(r => r.Id)
            .Select(r => new
            {
                Reward = r,
                WebhookIds = r.Webhooks.Where(w => !w.IsDeleted).Select(w => w.Id).ToList(),
                CampaignIds = r.Campaigns.OrderBy(c => c.Id).Select(c => c.Id).ToList(),
                Available = r.Type == RewardType.VoucherCode ? db.VoucherCodes.Count(v => v.RewardId == r.Id && v.RedemptionId == null) : (long?)null,
            })
            .ToListAsync(cancellationToken);
        return rows.Select(x => new RewardResponse(
            x.Reward.Id, x.Reward.Name, x.Reward.Description, x.Reward.Type, x.Reward.CostCurrency, x.Reward.Cost, x.Reward.Stock,
            x.Reward.IsEnabled, x.Reward.ImageUrl, x.Reward.Metadata, x.WebhookIds, x.Available, x.Reward.CreatedAt, x.Reward.UpdatedAt,
            x.CampaignIds)).ToList();
    }
}
