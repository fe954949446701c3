using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;

namespace RewardPortal.Web.Api;

public record CreateParticipantRequest(
    [property: Required] string? Name, [property: Required] string? Email, AddressPayload? Address, Dictionary<string, string>? CustomFields);

/// <param name="CampaignId">The campaign the points are awarded in, if any: the ledger entry and the points.awarded event carry it.</param>
public record CreditRequest(long? Points, long? CashMinor, [property: Required] string? Reason, long? CampaignId = null);

public record LedgerEntryPayload(
    long Id, long ParticipantId, Currency Currency, long Amount, long BalanceAfter, LedgerEntryKind Kind, string Reason, string Actor, DateTime CreatedAt,
    long? CampaignId)
{
    public static LedgerEntryPayload Of(LedgerEntry e) =>
        new(e.Id, e.ParticipantId, e.Currency, e.Amount, e.BalanceAfter, e.Kind, e.Reason, e.Actor, e.CreatedAt, e.CampaignId);
}

internal static class ParticipantsApi
{
    public static void MapParticipantsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/participants").WithTags("Participants").RequireAuthorization(ApiPolicies.Admin);
        group.MapPost("/", CreateAsync).WithName("CreateParticipant");
        group.MapGet("/{id:long}", GetAsync).WithName("GetParticipant");
        group.MapPost("/{id:long}/credits", CreditAsync).WithName("CreditParticipant");
    }

    public static async Task<Created<ParticipantPayload>> CreateAsync(
        CreateParticipantRequest request, ParticipantService participants, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var address = request.Address;
        var participant = await participants.CreateAsync(new NewParticipant
        {
            Name = request.Name ?? "",
            Email = request.Email ?? "",
            Address = new PostalAddress
            {
                Line1 = address?.Line1, Line2 = address?.Line2, City = address?.City,
                Region = address?.Region, PostalCode = address?.PostalCode, Country = address?.Country,
            },
            CustomFields = request.CustomFields ?? [],
        }, ApiActor.Of(user), cancellationToken);
        return TypedResults.Created($"/api/v1/participants/{participant.Id}", ParticipantPayload.Of(participant));
    }

    public static async Task<Ok<ParticipantPayload>> GetAsync(long id, ParticipantQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(ParticipantPayload.Of(await queries.GetAsync(id, cancellationToken)));

    public static async Task<Created<LedgerEntryPayload>> CreditAsync(
        long id, CreditRequest request, ParticipantService participants, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (currency, amount, field) = (request.Points, request.CashMinor) switch
        {
            ({ } points, null) => (Currency.Points, points, "points"),
            (null, { } cash) => (Currency.Cash, cash, "cashMinor"),
            _ => throw PortalException.Invalid("Send exactly one of points or cashMinor.", "points"),
        };
        if (amount <= 0)
            throw PortalException.Invalid("A credit must be a positive amount.", field);
        var entry = await participants.AdjustBalanceAsync(id, currency, amount, request.Reason ?? "", ApiActor.Of(user), request.CampaignId, cancellationToken);
        return TypedResults.Created($"/api/v1/participants/{id}", LedgerEntryPayload.Of(entry));
    }
}

internal static class ApiActor
{
    /// <summary>Audit entries name the key's user and the key.</summary>
    public static string Of(ClaimsPrincipal user) =>
        $"{user.Identity?.Name} (API key {user.FindFirstValue(Auth.ApiKeyAuthenticationHandler.ApiKeyIdClaim)})";
}
