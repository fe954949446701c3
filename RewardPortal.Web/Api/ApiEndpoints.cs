using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using RewardPortal.Core.Identity;
using RewardPortal.Web.Auth;
using Scalar.AspNetCore;

namespace RewardPortal.Web.Api;

internal static class ApiEndpoints
{
    /// <summary>Largest request body on most routes; voucher code imports allow more.</summary>
    public const long MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapRewardPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireRateLimiting(ApiServiceCollectionExtensions.RateLimitPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapParticipantsApi();
        api.MapRedemptionsApi();
        api.MapRedemptionExportApi();
        api.MapRewardsApi();
        api.MapCampaignsApi();
        api.MapWebhooksApi();
        api.MapDeliveriesApi();

        // Scalar serves its script from the package itself; what would reach the internet (its fonts' CDN, telemetry,
        // the AI agent, the hosted tools bar) is turned off, so the page works where the server has no internet and
        // under the content security policy.
        app.MapScalarApiReference("/api/reference", o => o.WithTitle("RewardPortal API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp().HideDeveloperTools())
            .RequireStaffUnlessPublic(app.ServiceProvider.GetRequiredService<IConfiguration>());
        return app;
    }

    /// <summary>The OpenAPI document and the reference page are public unless Api:PublicReference is false.</summary>
    public static TBuilder RequireStaffUnlessPublic<TBuilder>(this TBuilder endpoints, IConfiguration configuration) where TBuilder : IEndpointConventionBuilder
    {
        var options = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new();
        return options.PublicReference ? endpoints : endpoints.RequireAuthorization(Policies.Staff);
    }

    /// <summary>
    /// API calls are authenticated by their key before rate limiting, so that the limit is per key.
    /// The handler caches its result for the request, so authorization does not look the key up again.
    /// </summary>
    public static IApplicationBuilder UseApiKeyAuthentication(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
            if (result.Succeeded)
                context.User = result.Principal;
        }
        await next(context);
    });

    /// <summary>
    /// Refuses an oversized body before anything reads it: by its Content-Length at once, and for a chunked body
    /// through the server's limit, which fails the read past it.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimit>()?.Bytes ?? MaxBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await TypedResults.Problem(statusCode: 413, title: "Request body too large",
                    detail: $"This route accepts at most {limit / 1024} KB.").ExecuteAsync(context);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
        }
        await next(context);
    });
}

/// <summary>Endpoint metadata: a body limit other than <see cref="ApiEndpoints.MaxBodyBytes"/>.</summary>
internal sealed record BodySizeLimit(long Bytes);
