using Hangfire;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Email;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Seeding;
using RewardPortal.Web.Api;
using RewardPortal.Web.Auth;
using RewardPortal.Web.Components;
using RewardPortal.Web.Operations;
using RewardPortal.Web.Security;

namespace RewardPortal.Web.Extensions;

internal static class WebApplicationExtensions
{
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
        app.RegisterRecurringJobs();
    }

    public static void UseRewardPortal(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseSecurityHeaders();
        app.WarnOfPlainTextSmtpCredentials();
        app.MapRewardPortalHealth();
        app.MapRewardPortalMetrics();
        var node = app.Services.GetRequiredService<NodeOptions>();
        if (node.Role == NodeRole.Worker)
        {
            // A worker runs background jobs only: no pages, no API, nothing a load balancer should send people to.
            app.Logger.LogInformation("Node:Role is Worker: running background jobs only.");
            return;
        }

        // API errors become problem details (ApiExceptionHandler); anything else shows the error page.
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        // Sent on HTTPS requests only: behind a TLS-terminating proxy, once ForwardedHeaders names it.
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        // Browsers get the not-found page; API clients get problem details.
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseApiKeyAuthentication();
        app.UseApiBodyLimits();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        app.MapSignInRenewal();
        app.MapRewardPortalApi();
        app.MapRedemptionExportDownload();
        app.MapOpenApi("/openapi/{documentName}.json").RequireStaffUnlessPublic(app.Configuration);
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], DisplayStorageConnectionString = false })
            .RequireAuthorization(Policies.Admin);
        app.UseDeliveryJobs();
        app.LogStartupBanner();
    }

    private static void WarnOfPlainTextSmtpCredentials(this WebApplication app)
    {
        var smtp = app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp;
        if (!string.IsNullOrWhiteSpace(smtp.Host) && smtp.Security == SmtpSecurity.None && !string.IsNullOrEmpty(smtp.UserName))
            app.Logger.LogWarning(
                "Email:Smtp:Security is None and Email:Smtp:UserName is set: the SMTP password goes to {Host}:{Port} unencrypted, "
                    + "readable by anyone on the path. Use Auto, StartTls or SslOnConnect unless the server is on this machine.",
                smtp.Host, smtp.Port);
    }

    private static void LogStartupBanner(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(see the hosting log above)";
            app.Logger.LogInformation("RewardPortal is serving at {Addresses}. Sign in at /account/login.", addresses);
            if (app.Services.GetRequiredService<IMailTransport>() is PickupDirectoryMailTransport pickup)
                app.Logger.LogWarning("No SMTP host is set (Email:Smtp:Host): emails are written as .eml files to {Directory}.", pickup.Directory);
            var links = app.Services.GetRequiredService<PortalLinks>();
            if (!links.IsConfigured)
            {
                var served = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                    ?? app.Urls.FirstOrDefault();
                if (served is not null)
                    links.UseServerAddress(served);
                app.Logger.LogWarning(
                    "No public address is set (Email:PublicBaseUrl): links in emails use {Address}, which recipients elsewhere may not reach.", links.BaseUrl);
            }
        });
}
