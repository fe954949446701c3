using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using RewardPortal.Core;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Configuration;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Jobs;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Protection;
using RewardPortal.Web.Api;
using RewardPortal.Web.Auth;
using RewardPortal.Web.Operations;

namespace RewardPortal.Web.Extensions;

internal static class WebApplicationBuilderExtensions
{
    public static void AddRewardPortal(this WebApplicationBuilder builder)
    {
        builder.AddRootAppSettings();
        builder.AddRewardPortalLogging();
        // MudBlazor's static files come from static web assets, which only Development maps by itself.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        var node = NodeOptions.Read(builder.Configuration);
        services.AddSingleton(node);
        services.AddRewardPortalCore(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddClusterNodes(node.Role.ToString());
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddApiDocumentInfo().AddWebhookDescriptions());
        services.AddDataProtection().SetApplicationName("RewardPortal").PersistKeysToDbContext<RewardPortalDbContext>().ProtectKeysWithMasterKey();
        services.AddRewardPortalIdentity();
        services.AddRewardPortalHangfire(builder.Configuration, node);
        services.AddRewardPortalApi(builder.Configuration);
        services.AddRewardPortalHealthChecks(node);
        services.AddRewardPortalTelemetry(builder.Configuration);
    }

    private static void AddRewardPortalIdentity(this IServiceCollection services)
    {
        services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
            })
            .AddEntityFrameworkStores<RewardPortalDbContext>()
            .AddSignInManager<PortalSignInManager>()
            .AddDefaultTokenProviders();
        // Secure whenever the request is HTTPS, as seen through a trusted proxy (ForwardedHeaders); the default is never.
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "RewardPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddOptions<SignInLimitOptions>().BindConfiguration(SignInLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<DecoyPassword>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddCascadingAuthenticationState();
        services.AddSingleton<SignInRenewal>();
        // Disabling a user or resetting a password changes the security stamp; cookies and open circuits notice within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = IdentityRevalidatingAuthenticationStateProvider.Interval);
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Owner, p => p.RequireRole(Roles.Owner))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Owner, Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Owner, Roles.Admin, Roles.TeamMember))
            .AddPolicy(Policies.Participant, p => p.RequireRole(Roles.Participant));
    }

    private static void AddRewardPortalHangfire(this IServiceCollection services, IConfiguration configuration, NodeOptions node)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseTypeResolver(MovedJobTypes.Resolve)
                .UseRecommendedSerializerSettings();
            if (database.Provider == DatabaseProvider.Postgres)
                config.UsePostgreSqlStorage(
                    o => o.UseNpgsqlConnection(configuration.GetConnectionString(CoreServiceCollectionExtensions.ConnectionStringName)));
            else
                config.UseInMemoryStorage();
        });

        if (node.Role != NodeRole.Web)
        {
            services.AddHangfireServer(o =>
            {
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
            services.BoundHangfireServerStop();
            services.AddDeliveryDispatcher();
        }
    }
}
