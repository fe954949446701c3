using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using RewardPortal.Core;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// bUnit with MudBlazor, a signed-in user, and the real Core services over a migrated SQLite file of the test's own.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Email:PickupDirectory"] = Database.Directory.File("pickup"),
        }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddRewardPortalCore(configuration, Database.Directory.Path);
        // Pages write deliveries; sending them is the engine's tests' business, not the pages'.
        Services.RemoveAll<IDeliverySignal>();
        Services.AddSingleton<IDeliverySignal, NoDeliverySignal>();
        Services.RemoveAll<IDbContextFactory<RewardPortalDbContext>>();
        Services.AddSingleton<IDbContextFactory<RewardPortalDbContext>>(Database);
        AddServices(Services);
        // Resolves services: nothing can be added after it.
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", true));
    }

    protected SqliteTestDatabase Database { get; } = new();

    /// <summary>What a kind of test adds to the services, before anything is resolved from them.</summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    protected BunitAuthorizationContext Auth { get; }

    protected void SignInAs(string email, params string[] roles)
    {
        Auth.SetAuthorized(email);
        Auth.SetRoles(roles);
        Auth.SetPolicies(RolePolicies.For(roles));
        Auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, email));
    }

    /// <summary>Renders the providers that dialogs, popovers and snackbars need.</summary>
    /// <returns>The dialog provider, where opened dialogs render.</returns>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<MudDialogProvider>();
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();
}
