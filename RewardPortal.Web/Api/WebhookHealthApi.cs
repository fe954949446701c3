using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using RewardPortal.Core.Common;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Web.Api;

/// <param name="SuccessRate24h">Share of attempts that succeeded in the last 24 hours (0 to 1), null with none.</param>
/// <param name="ConsecutiveFailures">Failed attempts since the last success, within the last 7 days.</param>
public record WebhookHealthResponse(
    long Id, string Name, string State, bool Enabled, string? DisabledReason, DateTime? DisabledSince,
    int Attempts24h, double? SuccessRate24h, int Attempts7d, double? SuccessRate7d, int? P95Ms,
    int ConsecutiveFailures, DateTime? FailingSince, DateTime? LastSuccessAt, WebhookError? LastError)
{
    public static WebhookHealthResponse Of(WebhookHealthRow r) =>
        new(r.Id, r.Name, r.State.ToString().ToLowerInvariant(), r.IsEnabled, r.DisabledReason, r.DisabledSince,
            r.Health.Attempts24h, r.Health.SuccessRate24h, r.Health.Attempts7d, r.Health.SuccessRate7d, r.Health.P95Ms,
            r.Health.ConsecutiveFailures, r.Health.FailingSince, r.Health.LastSuccessAt, r.LastError);
}

/// <param name="Since">Re-send deliveries that failed from then on; left out: from when the webhook was turned off.</param>
public record ReenableBody(DateTime? Since);

internal static class WebhookHealthApi
{
    public static void MapWebhookHealth(this RouteGroupBuilder webhooks)
    {
        webhooks.MapGet("/health", ListAsync).WithName("ListWebhookHealth")
            .WithDescription("Every webhook's health from its attempts of the last 7 days, worst first.");
        webhooks.MapGet("/{id:long}/health", GetAsync).WithName("GetWebhookHealth");
        webhooks.MapPost("/{id:long}/reenable", ReenableAsync).WithName("ReenableWebhook")
            .WithDescription("Enables the webhook and queues its deliveries that failed since `since` again (same webhook-id), in one transaction.");
    }

    public static async Task<Ok<List<WebhookHealthResponse>>> ListAsync(WebhookHealthQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok((await queries.ListAsync(cancellationToken: cancellationToken)).Select(WebhookHealthResponse.Of).ToList());

    public static async Task<Ok<WebhookHealthResponse>> GetAsync(long id, WebhookHealthQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookHealthResponse.Of(await queries.FindAsync(id, cancellationToken) ?? throw PortalException.NotFound("The webhook")));

    public static async Task<Ok<WebhookRecoveryResult>> ReenableAsync(long id, ReenableBody? body, WebhookRecovery recovery, ClaimsPrincipal user,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await recovery.ReenableAndResendAsync(id, body?.Since, ApiActor.Of(user), isOwner: true, cancellationToken));
}
