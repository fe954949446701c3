using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Web.Api;

internal static partial class DeliveriesApi
{
    static partial void MapCommands(RouteGroupBuilder group) =>
        group.MapPost("/{id:long}/redeliver", RedeliverAsync).WithName("Redeliver")
            .WithDescription("Sends the delivery again, with the same webhook-id, whatever its status.");

    public static async Task<Accepted> RedeliverAsync(long id, RedeliveryService redelivery, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await redelivery.RedeliverAsync(id, ApiActor.Of(user), cancellationToken);
        return TypedResults.Accepted($"/api/v1/deliveries?after=");
    }
}
