using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Jobs;

namespace RewardPortal.Web.Api;

public record DeliveryResponse(
    long Id, string MessageId, long NotificationId, long EventId, string EventType, DeliveryStatus Status, int AttemptCount,
    DateTime NextAttemptAt, DateTime? LastAttemptAt, int? LastStatusCode, string? LastError, DateTime CreatedAt, DateTime? CompletedAt);

internal static class DeliveriesApi
{
    public static void MapDeliveriesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/deliveries").WithTags("Deliveries").RequireAuthorization(ApiPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListDeliveries")
            .WithDescription("Pages through the delivery log, oldest first. campaignId keeps the deliveries of that campaign's events "
                + "(redemptions of rewards limited to it, points awarded in it).");
        group.MapPost("/{id:long}/redeliver", RedeliverAsync).WithName("Redeliver")
            .WithDescription("Sends the delivery again, with the same webhook-id, whatever its status.");
    }

    public static async Task<Ok<Page<DeliveryResponse>>> ListAsync(
        IDbContextFactory<RewardPortalDbContext> dbFactory, string? status, long? notificationId, string? after, int? limit, string? campaignId,
        CancellationToken cancellationToken)
    {
        var afterId = Cursor.Decode(after);
        var take = Cursor.Limit(limit);
        var campaign = await CampaignQuery.ParseAsync(campaignId, dbFactory, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Deliveries.AsNoTracking().Where(d => d.Id > afterId);
        if (status is not null)
        {
            var wanted = RedemptionsApi.ParseEnum<DeliveryStatus>(status, "status");
            query = query.Where(d => d.Status == wanted);
        }
        if (notificationId is not null)
            query = query.Where(d => d.NotificationId == notificationId);
        if (campaign is { } inCampaign)
            query = query.InCampaign(db, inCampaign);
        var rows = await query.OrderBy(d => d.Id).Take(take + 1)
            .Select(d => new DeliveryResponse(d.Id, d.MessageId, d.NotificationId, d.EventId, d.Event!.Type, d.Status, d.AttemptCount,
                d.NextAttemptAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.CreatedAt, d.CompletedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, d => d.Id, d => d));
    }

    public static async Task<Accepted> RedeliverAsync(long id, RedeliveryService redelivery, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await redelivery.RedeliverAsync(id, ApiActor.Of(user), cancellationToken);
        return TypedResults.Accepted($"/api/v1/deliveries?after=");
    }
}
