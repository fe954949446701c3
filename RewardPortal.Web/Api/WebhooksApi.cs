using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Web.Api;

public record WebhookResponse(
    long Id, string Name, string? Url, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason, string? Description,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<long> CampaignIds)
{
    /// <summary>The notification with its campaigns loaded.</summary>
    public static WebhookResponse Of(Notification n) =>
        new(n.Id, n.Name, n.WebhookUrl, n.EventTypes, n.IsEnabled, n.DisabledReason, n.Description, n.CreatedAt, n.UpdatedAt,
            n.Campaigns.Select(c => c.Id).Order().ToList());
}

internal static partial class WebhooksApi
{
    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(ApiPolicies.Owner);
        group.MapGet("/", ListAsync).WithName("ListWebhooks");
        group.MapWebhookHealth();
        MapCommands(group);
    }

    static partial void MapCommands(RouteGroupBuilder group);

    public static async Task<Ok<List<WebhookResponse>>> ListAsync(IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhooks = await db.Notifications.AsNoTracking().Include(n => n.Campaigns)
            .Where(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(webhooks.Select(WebhookResponse.Of).ToList());
    }
}
