using Bunit;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Tests.Infrastructure;
using NotificationsPage = RewardPortal.Web.Components.Pages.Settings.Notifications;

namespace RewardPortal.Tests.Components;

public sealed class NotificationDialogTests : ComponentTest
{
    private async Task<IRenderedComponent<MudBlazor.MudDialogProvider>> OpenAddDialogAsync(string role)
    {
        await using (var db = Database.CreateDbContext())
        {
            db.Users.Add(new AppUser { Id = "tina", UserName = "tina@example.com", Email = "tina@example.com", DisplayName = "Tina" });
            await db.SaveChangesAsync();
            var roleId = Guid.NewGuid().ToString();
            db.Roles.Add(new Microsoft.AspNetCore.Identity.IdentityRole(Roles.TeamMember) { Id = roleId, NormalizedName = Roles.TeamMember.ToUpperInvariant() });
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = "tina", RoleId = roleId });
            await db.SaveChangesAsync();
        }
        SignInAs("someone@example.com", role);
        var dialogs = RenderProviders();
        var page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=add-notification]").Click();
        dialogs.WaitForElement("[data-testid=save]");
        return dialogs;
    }

    [Fact]
    public async Task SavingAnEmptyEmailNotificationSaysWhatIsMissingFieldByField()
    {
        var dialogs = await OpenAddDialogAsync(Roles.Admin);

        dialogs.Find("[data-testid=save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Choose at least one redemption type.", dialogs.Markup));
        Assert.Contains("Choose at least one team member to receive the email.", dialogs.Markup);
        await using var db = Database.CreateDbContext();
        Assert.Equal(0, await db.Notifications.CountAsync());
    }

    [Fact]
    public async Task AnAdminCannotChooseWebhookButTheOwnerCan()
    {
        var admin = await OpenAddDialogAsync(Roles.Admin);
        var webhookRadio = admin.FindAll("input[type=radio]").First(r => r.ParentElement!.ParentElement!.TextContent.Contains("Webhook"));
        Assert.True(webhookRadio.HasAttribute("disabled"));
    }

    [Fact]
    public async Task TheOwnerAddsAWebhookAndSeesItsTokenOnce()
    {
        var dialogs = await OpenAddDialogAsync(Roles.Owner);
        dialogs.FindAll("input[type=radio]").First(r => r.ParentElement!.ParentElement!.TextContent.Contains("Webhook")).Click();

        dialogs.WaitForElement("[data-testid=webhook-url]").Change("ftp://nope");
        dialogs.Find("[data-testid=save]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("http", dialogs.Find(".mud-input-helper-text.mud-input-error, .mud-input-error").TextContent, StringComparison.OrdinalIgnoreCase));

        dialogs.Find("[data-testid=webhook-url]").Change("https://hooks.example.com/rewards");
        dialogs.Find("[data-testid=save]").Click();

        var secret = dialogs.WaitForElement("[data-testid=webhook-secret]").GetAttribute("value");
        Assert.StartsWith(WebhookSecret.Prefix, secret);
        await using var db = Database.CreateDbContext();
        Assert.Equal(secret, (await db.Notifications.SingleAsync()).Secret);
    }
}
