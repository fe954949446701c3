using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

public record RedeemBody([property: Required] long? ParticipantId, [property: Required] long? RewardId);

public record DecisionBody(string? Message);

internal static class RedemptionsApi
{
    public static void MapRedemptionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/redemptions").WithTags("Redemptions").RequireAuthorization(ApiPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListRedemptions")
            .WithDescription(
                "Pages through redemptions, oldest first. Pass nextCursor back as 'after'. Each item has the shape of a redemption webhook's data. "
                    + "campaignId keeps the redemptions of rewards limited to that campaign.");
        group.MapGet("/{id:long}", GetAsync).WithName("GetRedemption");
        group.MapPost("/", RedeemAsync).WithName("Redeem")
            .WithDescription(
                "Redeems a reward for a participant. Send an Idempotency-Key header: a retry with the same key and body answers the first result and charges "
                    + "once; the same key with another body (another participant or reward) is refused with 422. "
                    + "Keys are scoped to the API key that sends them.");
        group.MapPost("/{id:long}/fulfill", FulfilAsync).WithName("FulfilRedemption");
        group.MapPost("/{id:long}/refuse", RefuseAsync).WithName("RefuseRedemption")
            .WithDescription("Refuses a redemption: the participant's balance is refunded and the message shown to them.");
    }

    /// <summary>
    /// Pages in the order rows commit in, up to what has surely committed (<see cref="CommitHorizon"/>): a redemption
    /// committing late behind a larger id shows on a later page instead of being passed. nextCursor is given on every
    /// page, the last one too, so that a poller carries on from where it stopped.
    /// </summary>
    public static async Task<Ok<Page<RedemptionEventData>>> ListAsync(
        IDbContextFactory<RewardPortalDbContext> dbFactory, string? status, string? rewardType, string? after, int? limit, string? campaignId,
        CancellationToken cancellationToken)
    {
        var campaign = await CampaignQuery.ParseAsync(campaignId, dbFactory, cancellationToken);
        var cursor = RedemptionCursor.Decode(after);
        var take = Cursor.Limit(limit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Read before the rows: a horizon from an earlier moment only holds back more.
        var horizon = await CommitHorizon.ReadAsync(db, cancellationToken);
        var afterTx = cursor.TransactionId
            ?? await db.Redemptions.Where(r => r.Id == cursor.Id).Select(r => (long?)r.TransactionId).SingleOrDefaultAsync(cancellationToken) ?? 0;
        var afterId = cursor.Id;
        var query = db.Redemptions.AsNoTracking().Include(r => r.Participant)
            .Where(r => r.TransactionId > afterTx || (r.TransactionId == afterTx && r.Id > afterId));
        if (horizon is { } below)
            query = query.Where(r => r.TransactionId < below);
        if (status is not null)
        {
            var wanted = ParseEnum<RedemptionStatus>(status, "status");
            query = query.Where(r => r.Status == wanted);
        }
        if (rewardType is not null)
        {
            var wanted = ParseEnum<RewardType>(rewardType, "rewardType");
            query = query.Where(r => r.RewardType == wanted);
        }
        if (campaign is { } inCampaign)
            query = query.InCampaign(db, inCampaign);
        var rows = await query.OrderBy(r => r.TransactionId).ThenBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        var hasMore = rows.Count > take;
        var page = rows.Take(take).ToList();
        var next = page.Count > 0 ? new RedemptionCursor(page[^1].TransactionId, page[^1].Id) : new RedemptionCursor(afterTx, afterId);
        return TypedResults.Ok(new Page<RedemptionEventData>(page.Select(r => RedemptionEventData.Of(r, r.Participant!)).ToList(), next.Encode(), hasMore));
    }

    public static async Task<Ok<RedemptionEventData>> GetAsync(long id, IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var redemption = await db.Redemptions.AsNoTracking().Include(r => r.Participant).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw PortalException.NotFound("The redemption");
        return TypedResults.Ok(RedemptionEventData.Of(redemption, redemption.Participant!));
    }

    /// <summary>Accepts the snake_case names the API writes ("voucher_code"), case-insensitively.</summary>
    internal static TEnum ParseEnum<TEnum>(string value, string field) where TEnum : struct, Enum
    {
        if (Enum.TryParse<TEnum>(value.Replace("_", ""), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
            return parsed;
        var allowed = string.Join(", ", Enum.GetNames<TEnum>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)));
        throw PortalException.Invalid($"'{value}' is not one of: {allowed}.", field);
    }

    public static async Task<Results<Created<RedemptionEventData>, Ok<RedemptionEventData>>> RedeemAsync(
        RedeemBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        RedemptionService redemptions, IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (body.ParticipantId is not { } participantId)
            throw Core.Common.PortalException.Invalid("participantId is required.", "participantId");
        if (body.RewardId is not { } rewardId)
            throw Core.Common.PortalException.Invalid("rewardId is required.", "rewardId");

        // Keys are the caller's own, as in Stripe's API: another API key may use the same one for something else.
        var scope = $"api-key:{user.FindFirstValue(Auth.ApiKeyAuthenticationHandler.ApiKeyIdClaim)}";
        var result = await redemptions.RedeemAsync(new RedeemRequest(participantId, rewardId, idempotencyKey, scope), ApiActor.Of(user), cancellationToken);
        // A redemption made now is answered from what its transaction wrote; a replay reads the earlier one back.
        var data = result is { Replayed: false, Participant: { } participant }
            ? RedemptionEventData.Of(result.Redemption, participant)
            : await LoadAsync(dbFactory, result.Redemption.Id, cancellationToken);
        // A replay answers what the first request answered, with 200 so a client can tell.
        return result.Replayed ? TypedResults.Ok(data) : TypedResults.Created($"/api/v1/redemptions/{result.Redemption.Id}", data);
    }

    public static async Task<Ok<RedemptionEventData>> FulfilAsync(long id, DecisionBody? body, RedemptionDecisionService decisions,
        IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await decisions.FulfilAsync(id, body?.Message, ApiActor.Of(user), cancellationToken);
        return TypedResults.Ok(await LoadAsync(dbFactory, id, cancellationToken));
    }

    public static async Task<Ok<RedemptionEventData>> RefuseAsync(long id, DecisionBody? body, RedemptionDecisionService decisions,
        IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await decisions.RefuseAsync(id, body?.Message, ApiActor.Of(user), cancellationToken);
        return TypedResults.Ok(await LoadAsync(dbFactory, id, cancellationToken));
    }

    private static async Task<RedemptionEventData> LoadAsync(
        IDbContextFactory<RewardPortalDbContext> dbFactory, long id, CancellationToken cancellationToken) =>
        (await GetAsync(id, dbFactory, cancellationToken)).Value!;
}
