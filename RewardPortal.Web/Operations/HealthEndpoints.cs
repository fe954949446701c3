using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Operations;
using RewardPortal.Web.Auth;
using RewardPortal.Web.Extensions;

namespace RewardPortal.Web.Operations;

/// <summary>
/// <c>/healthz/live</c>: the process answers (no check runs). <c>/healthz/ready</c>: the database answers with every
/// migration applied and, on nodes that run background work, the delivery engine runs and keeps up. <c>/healthz</c>
/// stays a live check. Anyone gets the bare status; the Owner (signed in, or with an API key) gets each check as JSON.
/// </summary>
internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static void AddRewardPortalHealthChecks(this IServiceCollection services, NodeOptions node)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var checks = services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        if (node.Role != NodeRole.Web)
            checks.AddCheck<DeliveryEngineHealthCheck>("delivery-engine", tags: [ReadyTag]);
    }

    public static void MapRewardPortalHealth(this IEndpointRouteBuilder app)
    {
        // Answers "ok" as it always has: probes and scripts written for it keep working.
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous();
    }

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!await IsOwnerAsync(context))
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(report.Status.ToString());
            return;
        }
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        }, JsonSerializerOptions.Web);
    }

    /// <summary>A signed-in Owner, or (for monitoring tools) an Owner's API key as a bearer token.</summary>
    private static async Task<bool> IsOwnerAsync(HttpContext context)
    {
        if (context.User.IsInRole(Roles.Owner))
            return true;
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization))
            return false;
        var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        return result.Succeeded && result.Principal.IsInRole(Roles.Owner);
    }
}
