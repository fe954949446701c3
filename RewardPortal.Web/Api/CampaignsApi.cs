using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;

namespace RewardPortal.Web.Api;

public record CampaignResponse(
    long Id, string Name, string Description, DateTime? StartsAt, DateTime? EndsAt, bool Active, int Members, int Rewards, DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static CampaignResponse Of(CampaignSummary c) =>
        new(c.Id, c.Name, c.Description, c.StartsAt, c.EndsAt, c.Active, c.Members, c.Rewards, c.CreatedAt, c.UpdatedAt);
}

/// <summary>A campaign as created, or the fields a PATCH changes (those left out keep their value).</summary>
public record CampaignBody(string? Name, string? Description, DateTime? StartsAt, DateTime? EndsAt, bool? Active);

public record CampaignMembersBody(List<long>? ParticipantIds);

public record CampaignMembersAdded(int Added);

internal static class CampaignsApi
{
    public static void MapCampaignsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/campaigns").WithTags("Campaigns").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListCampaigns");
        group.MapPost("/", CreateAsync).WithName("CreateCampaign");
        group.MapPatch("/{id:long}", UpdateAsync).WithName("UpdateCampaign")
            .WithDescription("Changes only the fields sent; \"active\": false ends the campaign (its rewards are then shown to nobody).");
        group.MapPost("/{id:long}/participants", AddMembersAsync).WithName("AddCampaignParticipants")
            .WithDescription("Adds participants to the campaign; those already in it are skipped. Each one added fires participant.added_to_campaign.");
        group.MapDelete("/{id:long}/participants/{participantId:long}", RemoveMemberAsync).WithName("RemoveCampaignParticipant");
    }

    public static async Task<Ok<List<CampaignResponse>>> ListAsync(CampaignService campaigns, CancellationToken cancellationToken) =>
        TypedResults.Ok((await campaigns.ListAsync(cancellationToken)).OrderBy(c => c.Id).Select(CampaignResponse.Of).ToList());

    public static async Task<Created<CampaignResponse>> CreateAsync(
        CampaignBody body, CampaignService campaigns, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.CreateAsync(new CampaignInput(body.Name ?? "", body.Description, body.StartsAt, body.EndsAt, body.Active ?? true),
            ApiActor.Of(user), cancellationToken);
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", await LoadAsync(campaigns, campaign.Id, cancellationToken));
    }

    public static async Task<Ok<CampaignResponse>> UpdateAsync(
        long id, CampaignBody body, CampaignService campaigns, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var current = CampaignInput.From((await campaigns.GetAsync(id, cancellationToken)).Campaign);
        var input = current with
        {
            Name = body.Name ?? current.Name,
            Description = body.Description ?? current.Description,
            StartsAt = body.StartsAt ?? current.StartsAt,
            EndsAt = body.EndsAt ?? current.EndsAt,
            Active = body.Active ?? current.Active,
        };
        await campaigns.UpdateAsync(id, input, ApiActor.Of(user), cancellationToken);
        return TypedResults.Ok(await LoadAsync(campaigns, id, cancellationToken));
    }

    public static async Task<Ok<CampaignMembersAdded>> AddMembersAsync(long id, CampaignMembersBody body, CampaignService campaigns, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (body.ParticipantIds is null)
            throw PortalException.Invalid("participantIds is required: a list of participant ids.", "participantIds");
        return TypedResults.Ok(new CampaignMembersAdded(await campaigns.AddMembersAsync(id, body.ParticipantIds, ApiActor.Of(user), cancellationToken)));
    }

    public static async Task<NoContent> RemoveMemberAsync(
        long id, long participantId, CampaignService campaigns, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await campaigns.RemoveMemberAsync(id, participantId, ApiActor.Of(user), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<CampaignResponse> LoadAsync(CampaignService campaigns, long id, CancellationToken cancellationToken) =>
        CampaignResponse.Of((await campaigns.ListAsync(cancellationToken)).Single(c => c.Id == id));
}
