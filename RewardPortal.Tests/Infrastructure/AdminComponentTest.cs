using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// bUnit for the admin screens: <see cref="ComponentTest"/> with ASP.NET Core Identity on the same database and a
/// signed-in Admin (or Owner). Dialogs and popovers render into <see cref="Dialogs"/> and <see cref="Popovers"/>.
/// </summary>
public abstract class AdminComponentTest : ComponentTest
{
    protected override void AddServices(IServiceCollection services)
    {
        // Identity's stores take the context from the scope.
        services.AddScoped(_ => Database.CreateDbContext());
        services.AddDataProtection();
        // The web app's password rules (WebApplicationBuilderExtensions).
        services.AddIdentityCore<AppUser>(o => { o.User.RequireUniqueEmail = true; o.Password.RequiredLength = 10; })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<RewardPortalDbContext>()
            .AddDefaultTokenProviders();
        services.AddSingleton<RewardPortal.Web.Auth.SignInRenewal>();
    }

    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;
    /// <summary>The signed-in user's id.</summary>
    protected string ActorId { get; private set; } = "";
    protected string ActorEmail { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in Roles.All)
                await roles.CreateAsync(new IdentityRole(role));
        }
        await SignInAsync("admin@test.local", Roles.Admin);
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    /// <summary>Creates a staff user (or finds them) and makes them the signed-in user.</summary>
    protected async Task<string> SignInAsync(string email, string role)
    {
        ActorId = await CreateUserAsync(email, role);
        ActorEmail = email;
        Auth.SetAuthorized(email);
        Auth.SetRoles(role);
        Auth.SetPolicies(RolePolicies.For(role));
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, ActorId));
        return ActorId;
    }

    protected Task<string> CreateUserAsync(string email, string role, string name = "") => TestUsers.CreateUserAsync(Services, email, role, name);

    /// <summary>Opens a dialog the way the screens do, and returns it rendered inside the dialog provider.</summary>
    protected async Task<IRenderedComponent<TDialog>> OpenDialogAsync<TDialog>(DialogParameters<TDialog>? parameters = null)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var service = Services.GetRequiredService<IDialogService>();
        await Dialogs.InvokeAsync(() => service.ShowAsync<TDialog>("Test", parameters ?? []));
        return Dialogs.WaitForComponent<TDialog>();
    }

    /// <summary>The text around a MudBlazor input (label, value, helper or error text), found by the input's data-testid.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> component, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        component.Find($"[data-testid={testId}]").Closest(".mud-input-control")?.TextContent ?? "";
}
