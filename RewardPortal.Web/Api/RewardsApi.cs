using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

public record RewardResponse(
    long Id, string Name, string Description, RewardType Type, Currency CostCurrency, long Cost, long? Stock, bool Enabled,
    string? ImageUrl, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<long> WebhookIds, long? VoucherCodesAvailable,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<long> CampaignIds);

public record VoucherCodesBody(List<string?>? Codes);

internal static class RewardsApi
{
    public static void MapRewardsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/rewards").WithTags("Rewards").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListRewards");
        group.MapPost("/", CreateAsync).WithName("CreateReward");
        group.MapPatch("/{id:long}", UpdateAsync).WithName("UpdateReward")
            .WithDescription("Changes only the fields sent. \"stock\": null makes the stock unlimited; leaving it out keeps it.");
        group.MapPost("/{id:long}/voucher-codes", AddVoucherCodesAsync).WithName("AddVoucherCodes")
            .WithMetadata(new BodySizeLimit(8 * 1024 * 1024))
            .WithDescription("Adds codes to a voucher pool. Duplicates (in the request or the pool) and blanks are not added, and counted.");
    }

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

    public static async Task<Created<RewardResponse>> CreateAsync(JsonElement body, RewardService rewards,
        IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var input = RewardPatch.Apply(new RewardInput { SetStock = true }, body);
        var reward = await rewards.CreateAsync(input, ApiActor.Of(user), cancellationToken);
        return TypedResults.Created($"/api/v1/rewards/{reward.Id}", await LoadAsync(dbFactory, reward.Id, cancellationToken));
    }

    public static async Task<Ok<RewardResponse>> UpdateAsync(long id, JsonElement body, RewardService rewards,
        IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var current = RewardInput.From(await rewards.GetAsync(id, cancellationToken));
        await rewards.UpdateAsync(id, RewardPatch.Apply(current, body), ApiActor.Of(user), cancellationToken);
        return TypedResults.Ok(await LoadAsync(dbFactory, id, cancellationToken));
    }

    public static async Task<Ok<VoucherImportResult>> AddVoucherCodesAsync(long id, VoucherCodesBody body, VoucherPoolService pool,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (body.Codes is null)
            throw PortalException.Invalid("codes is required: a list of strings.", "codes");
        return TypedResults.Ok(await pool.ImportAsync(id, body.Codes, ApiActor.Of(user), cancellationToken));
    }

    private static async Task<RewardResponse> LoadAsync(IDbContextFactory<RewardPortalDbContext> dbFactory, long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await QueryAsync(db, db.Rewards.Where(r => r.Id == id), cancellationToken)).Single();
    }
}

/// <summary>Applies the fields a request sends onto a reward input; fields it leaves out keep their value.</summary>
internal static class RewardPatch
{
    public static RewardInput Apply(RewardInput input, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw PortalException.Invalid("The body must be a JSON object.", "body");
        foreach (var property in body.EnumerateObject())
        {
            input = property.Name switch
            {
                "name" => input with { Name = Read<string>(property) ?? "" },
                "description" => input with { Description = Read<string>(property) },
                "type" => input with { Type = Read<RewardType>(property) },
                "costCurrency" => input with { CostCurrency = Read<Core.Participants.Currency>(property) },
                "cost" => input with { Cost = Read<long>(property) },
                "stock" => input with { Stock = Read<long?>(property), SetStock = true },
                "enabled" => input with { Enabled = Read<bool>(property) },
                "imageUrl" => input with { ImageUrl = Read<string>(property) },
                "metadata" => input with { Metadata = Read<Dictionary<string, string>>(property) ?? [] },
                "webhookIds" => input with { WebhookIds = Read<List<long>>(property) ?? [] },
                "campaignIds" => input with { CampaignIds = Read<List<long>>(property) ?? [] },
                _ => throw PortalException.Invalid($"Unknown field '{property.Name}'.", property.Name),
            };
        }
        return input;
    }

    private static T? Read<T>(JsonProperty property)
    {
        try
        {
            return property.Value.Deserialize<T>(PortalJson.Options);
        }
        catch (JsonException)
        {
            throw PortalException.Invalid($"'{property.Name}' has the wrong type.", property.Name);
        }
    }
}
