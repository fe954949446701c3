using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

public record VoucherCodesBody(List<string?>? Codes);

internal static partial class RewardsApi
{
    static partial void MapCommands(RouteGroupBuilder group)
    {
        group.MapPost("/", CreateAsync).WithName("CreateReward");
        group.MapPatch("/{id:long}", UpdateAsync).WithName("UpdateReward")
            .WithDescription("Changes only the fields sent. \"stock\": null makes the stock unlimited; leaving it out keeps it.");
        group.MapPost("/{id:long}/voucher-codes", AddVoucherCodesAsync).WithName("AddVoucherCodes")
            .WithMetadata(new BodySizeLimit(8 * 1024 * 1024))
            .WithDescription("Adds codes to a voucher pool. Duplicates (in the request or the pool) and blanks are not added, and counted.");
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
