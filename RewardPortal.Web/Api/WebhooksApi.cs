using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;

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

/// <param name="CampaignIds">"In campaign(s)" for the events that belong to a campaign; empty or left out on create is all campaigns.</param>
/// <param name="Frequency">Webhooks are sent every time (<c>every_time</c>); <c>daily</c> is refused: digests are for emails.</param>
public record WebhookBody(string? Name, string? Url, List<string>? Events, bool? Enabled, string? Description, List<long>? CampaignIds = null,
    NotificationFrequency? Frequency = null);

/// <summary>Answered once, on creation: the signing secret is not shown again except to the Owner in Settings > Notifications.</summary>
public record CreatedWebhookResponse(long Id, string Name, string? Url, IReadOnlyList<string> Events, bool Enabled, string Secret);

internal static class WebhooksApi
{
    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(ApiPolicies.Owner);
        group.MapGet("/", ListAsync).WithName("ListWebhooks");
        group.MapWebhookHealth();
        group.MapPost("/", CreateAsync).WithName("CreateWebhook");
        group.MapPatch("/{id:long}", UpdateAsync).WithName("UpdateWebhook");
        group.MapDelete("/{id:long}", DeleteAsync).WithName("DeleteWebhook")
            .WithDescription("Deletes the webhook; its delivery history stays.");
    }

    public static async Task<Ok<List<WebhookResponse>>> ListAsync(IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhooks = await db.Notifications.AsNoTracking().Include(n => n.Campaigns)
            .Where(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(webhooks.Select(WebhookResponse.Of).ToList());
    }

    public static async Task<Created<CreatedWebhookResponse>> CreateAsync(
        WebhookBody body, NotificationService notifications, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var input = new NotificationInput(
            body.Name ?? "", NotificationChannel.Webhook, body.Events ?? [], [], [], body.Url, body.Enabled ?? true, Description: body.Description,
            CampaignIds: body.CampaignIds, Frequency: body.Frequency ?? NotificationFrequency.EveryTime);
        var created = await WithApiFieldNames(() => notifications.CreateAsync(input, ApiActor.Of(user), isOwner: true, cancellationToken));
        return TypedResults.Created($"/api/v1/webhooks/{created.Id}",
            new CreatedWebhookResponse(created.Id, input.Name.Trim(), input.WebhookUrl, input.EventTypes, input.IsEnabled, created.Secret!));
    }

    public static async Task<Ok<WebhookResponse>> UpdateAsync(long id, WebhookBody body, NotificationService notifications,
        IDbContextFactory<RewardPortalDbContext> dbFactory, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var current = (await notifications.ListAsync(cancellationToken)).FirstOrDefault(n => n.Id == id && n.Channel == NotificationChannel.Webhook)
            ?? throw PortalException.NotFound("The webhook");
        var input = current.ToInput() with
        {
            Name = body.Name ?? current.Name,
            WebhookUrl = body.Url ?? current.WebhookUrl,
            EventTypes = body.Events ?? current.EventTypes.ToList(),
            IsEnabled = body.Enabled ?? current.IsEnabled,
            Description = body.Description ?? current.Description,
            CampaignIds = body.CampaignIds ?? current.CampaignIds,
            Frequency = body.Frequency ?? current.Frequency,
        };
        await WithApiFieldNames(async () =>
        {
            await notifications.UpdateAsync(id, input, ApiActor.Of(user), isOwner: true, cancellationToken);
            return true;
        });
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return TypedResults.Ok(
            WebhookResponse.Of(await db.Notifications.AsNoTracking().Include(n => n.Campaigns).FirstAsync(n => n.Id == id, cancellationToken)));
    }

    /// <summary>The service names the screens' fields; the API calls them url and events.</summary>
    private static async Task<T> WithApiFieldNames<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PortalException e) when (e.Errors.Keys.Any(f => f is "webhookUrl" or "eventTypes"))
        {
            throw PortalException.Invalid(
                e.Errors.ToDictionary(f => f.Key switch { "webhookUrl" => "url", "eventTypes" => "events", _ => f.Key }, f => f.Value));
        }
    }

    public static async Task<NoContent> DeleteAsync(long id, NotificationService notifications, IDbContextFactory<RewardPortalDbContext> dbFactory,
        ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.Notifications.AnyAsync(n => n.Id == id && n.Channel == NotificationChannel.Webhook && !n.IsDeleted, cancellationToken))
                throw PortalException.NotFound("The webhook");
        }
        await notifications.DeleteAsync(id, ApiActor.Of(user), isOwner: true, cancellationToken);
        return TypedResults.NoContent();
    }
}
