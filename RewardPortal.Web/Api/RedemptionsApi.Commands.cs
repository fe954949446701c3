using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Web.Api;

public record RedeemBody([property: Required] long? ParticipantId, [property: Required] long? RewardId);

public record DecisionBody(string? Message);

internal static partial class RedemptionsApi
{
    static partial void MapCommands(RouteGroupBuilder group)
    {
        group.MapPost("/", RedeemAsync).WithName("Redeem")
            .WithDescription(
                "Redeems a reward for a participant. Send an Idempotency-Key header: a retry with the same key and body answers the first result and charges "
                    + "once; the same key with another body (another participant or reward) is refused with 422. "
                    + "Keys are scoped to the API key that sends them.");
        group.MapPost("/{id:long}/fulfill", FulfilAsync).WithName("FulfilRedemption");
        group.MapPost("/{id:long}/refuse", RefuseAsync).WithName("RefuseRedemption")
            .WithDescription("Refuses a redemption: the participant's balance is refunded and the message shown to them.");
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
