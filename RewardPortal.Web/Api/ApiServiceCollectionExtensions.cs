using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Web.Auth;

namespace RewardPortal.Web.Api;

internal static class ApiServiceCollectionExtensions
{
    public const string RateLimitPolicy = "api";

    public static IServiceCollection AddRewardPortalApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<JsonOptions>(o => PortalJson.Configure(o.SerializerOptions));
        // Unreadable JSON surfaces as an exception, so that ApiExceptionHandler can name the field at fault.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Owner, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Owner))
            .AddPolicy(ApiPolicies.Admin, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Owner, Roles.Admin))
            .AddPolicy(
                ApiPolicies.Staff,
                p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(Roles.Owner, Roles.Admin, Roles.TeamMember));

        var limits = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new();
        services.AddRateLimiter(o =>
        {
            // Held for the cluster: each node that serves the API allows its share of the limit, from the live node
            // count its heartbeats see. The share is part of the partition, so a node joining or leaving re-cuts the buckets.
            o.AddPolicy(RateLimitPolicy, context =>
            {
                var share = NodeLiveness.ShareOf(limits.RequestsPerMinute, context.RequestServices.GetRequiredService<ClusterView>().ApiNodes);
                var key = context.User.FindFirstValue(ApiKeyAuthenticationHandler.ApiKeyIdClaim) ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter($"{key}/{share}", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = share,
                    TokensPerPeriod = share,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                var http = rejected.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"This API key may make {limits.RequestsPerMinute} requests a minute. Retry after the Retry-After header's seconds.")
                    .ExecuteAsync(http);
            };
        });
        return services;
    }
}

internal static class ApiPolicies
{
    public const string Owner = "api:owner";
    public const string Admin = "api:admin";
    public const string Staff = "api:staff";
}
