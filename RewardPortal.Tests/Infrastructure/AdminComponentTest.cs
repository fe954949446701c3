using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// bUnit for the admin screens: MudBlazor, the real Core services and Identity on a migrated SQLite file, and a signed-in
/// Admin (or Owner). Dialogs and popovers render into <see cref="Dialogs"/> and <see cref="Popovers"/>.
/// </summary>
public abstract class AdminComponentTest : BunitContext, IAsyncLifetime
{
    protected AdminComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLogging();
        Services.AddSingleton<IDbContextFactory<RewardPortalDbContext>>(Database);
        Services.AddScoped(_ => Database.CreateDbContext());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<EventRecorder>();
        Services.AddSingleton<SqliteWriteGate>();
        Services.AddSingleton<WriteTransactions>();
        Services.AddSingleton<IDeliverySignal, NoDeliverySignal>();
        Services.AddSingleton<ParticipantService>();
        Services.AddSingleton<ParticipantQueries>();
        Services.AddSingleton<ParticipantImportService>();
        Services.AddSingleton<RewardService>();
        Services.AddSingleton<VoucherPoolService>();
        Services.AddSingleton<AuditQueries>();
        Services.AddSingleton<UserAdministrationService>();
        Services.AddDataProtection();
        // The web app's password rules (WebApplicationBuilderExtensions).
        Services.AddIdentityCore<AppUser>(o => { o.User.RequireUniqueEmail = true; o.Password.RequiredLength = 10; })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<RewardPortalDbContext>()
            .AddDefaultTokenProviders();
        Auth = AddAuthorization();
    }

    protected SqliteTestDatabase Database { get; } = new();
    protected BunitAuthorizationContext Auth { get; }
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;
    /// <summary>The signed-in user's id.</summary>
    protected string ActorId { get; private set; } = "";
    protected string ActorEmail { get; private set; } = "";

    public virtual async Task InitializeAsync()
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
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, ActorId));
        return ActorId;
    }

    protected async Task<string> CreateUserAsync(string email, string role, string name = "")
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is { } existing)
            return existing.Id;
        var user = new AppUser { UserName = email, Email = email, DisplayName = name.Length > 0 ? name : email.Split('@')[0], CreatedAt = DateTime.UtcNow };
        Check(await users.CreateAsync(user, TestUsers.Password));
        Check(await users.AddToRoleAsync(user, role));
        return user.Id;
    }

    /// <summary>Opens a dialog the way the screens do, and returns it rendered inside the dialog provider.</summary>
    protected async Task<IRenderedComponent<TDialog>> OpenDialogAsync<TDialog>(DialogParameters<TDialog>? parameters = null) where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var service = Services.GetRequiredService<IDialogService>();
        await Dialogs.InvokeAsync(() => service.ShowAsync<TDialog>("Test", parameters ?? []));
        return Dialogs.WaitForComponent<TDialog>();
    }

    /// <summary>The text around a MudBlazor input (label, value, helper or error text), found by the input's data-testid.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> component, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        component.Find($"[data-testid={testId}]").Closest(".mud-input-control")?.TextContent ?? "";

    /// <summary>Waits for something a click set off in the database (the renderer does not wait for it).</summary>
    protected static async Task WaitForAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(25);
        }
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
