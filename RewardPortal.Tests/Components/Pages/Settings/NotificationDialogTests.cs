using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using NotificationsPage = RewardPortal.Web.Components.Pages.Settings.Notifications;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class NotificationDialogTests : ComponentTest
{
    private async Task<IRenderedComponent<MudBlazor.MudDialogProvider>> OpenAddDialogAsync(string role)
    {
        var dialogs = await ShowPageAsync(role);
        page.Find("[data-testid=add-notification]").Click();
        dialogs.WaitForElement("[data-testid=save]");
        return dialogs;
    }

    private async Task<IRenderedComponent<MudBlazor.MudDialogProvider>> ShowPageAsync(string role, Func<Task>? before = null)
    {
        await using (var db = Database.CreateDbContext())
        {
            db.Users.Add(TestData.User("tina@example.com", id: "tina", name: "Tina"));
            await db.SaveChangesAsync();
            var roleId = Guid.NewGuid().ToString();
            db.Roles.Add(
                new Microsoft.AspNetCore.Identity.IdentityRole(Roles.TeamMember) { Id = roleId, NormalizedName = Roles.TeamMember.ToUpperInvariant() });
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = "tina", RoleId = roleId });
            await db.SaveChangesAsync();
        }
        SignInAs("someone@example.com", role);
        if (before is not null)
            await before();
        var dialogs = RenderProviders();
        page = Render<NotificationsPage>();
        page.WaitForElement("[data-testid=add-notification]");
        return dialogs;
    }

    private IRenderedComponent<NotificationsPage> page = null!;

    [Fact]
    public async Task SavingAnEmptyEmailNotificationSaysWhatIsMissingFieldByField()
    {
        var dialogs = await OpenAddDialogAsync(Roles.Admin);

        dialogs.Find("[data-testid=save]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Choose at least one redemption type.", dialogs.Markup));
        Assert.Contains("Give the notification a name.", dialogs.Markup);
        Assert.Contains("Choose the participant or at least one team member to receive the email.", dialogs.Markup);
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

        dialogs.Find("[data-testid=notification-name]").Change("Fulfilment system");
        dialogs.WaitForElement("[data-testid=webhook-url]").Change("ftp://nope");
        dialogs.Find("[data-testid=save]").Click();
        dialogs.WaitForAssertion(
            () => Assert.Contains(
                "http", dialogs.Find(".mud-input-helper-text.mud-input-error, .mud-input-error").TextContent, StringComparison.OrdinalIgnoreCase));

        dialogs.Find("[data-testid=webhook-url]").Change("https://hooks.example.com/rewards");
        dialogs.Find("[data-testid=save]").Click();

        var secret = dialogs.WaitForElement("[data-testid=webhook-secret]").GetAttribute("value");
        Assert.StartsWith(WebhookSecret.Prefix, secret);
        await using var db = Database.CreateDbContext();
        Assert.Equal(secret, (await db.Notifications.SingleAsync()).Secret);
    }

    private async Task<long> EmailRuleAsync(string name, params string[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<NotificationService>();
        var created = await service.CreateAsync(new NotificationInput(name, NotificationChannel.Email, events, [RewardType.Custom], ["tina"], null, true),
            "test", isOwner: false);
        return created.Id;
    }

    private static Task ChooseHowOftenAsync(IRenderedComponent<MudBlazor.MudDialogProvider> dialogs, NotificationFrequency frequency)
    {
        var select = dialogs.FindComponents<MudBlazor.MudSelect<NotificationFrequency>>().Single();
        return dialogs.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(frequency));
    }

    [Fact]
    public async Task ChoosingDailyDigestAsksForTheHourInTheProgramsTimeZoneAndSavesIt()
    {
        var dialogs = await OpenAddDialogAsync(Roles.Admin);
        Assert.Empty(dialogs.FindAll("[data-testid=digest-hour]"));

        await ChooseHowOftenAsync(dialogs, NotificationFrequency.Daily);

        dialogs.WaitForElement("[data-testid=digest-hour]");
        Assert.Empty(dialogs.FindAll("[data-testid=to-participant]"));
        Assert.Contains("In the program's time zone (UTC)", dialogs.Markup);
        dialogs.Find("[data-testid=notification-name]").Change("Morning digest");
        var types = dialogs.FindComponents<MudBlazor.MudSelect<RewardType>>().Single();
        await dialogs.InvokeAsync(() => types.Instance.SelectedValuesChanged.InvokeAsync([RewardType.Custom]));
        var recipients = dialogs.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "Team members");
        await dialogs.InvokeAsync(() => recipients.Instance.SelectedValuesChanged.InvokeAsync(["tina"]));
        dialogs.Find("[data-testid=save]").Click();

        await WaitForRuleAsync();
        await using var db = Database.CreateDbContext();
        var saved = await db.Notifications.SingleAsync();
        Assert.Equal((NotificationFrequency.Daily, 8), (saved.Frequency, saved.DigestHour));
    }

    private async Task WaitForRuleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = Database.CreateDbContext();
            if (await db.Notifications.AnyAsync())
                return;
            Assert.True(DateTime.UtcNow < deadline, "The rule was not saved.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AWebhookIsSentEveryTime()
    {
        var dialogs = await OpenAddDialogAsync(Roles.Owner);
        dialogs.FindAll("input[type=radio]").First(r => r.ParentElement!.ParentElement!.TextContent.Contains("Webhook")).Click();
        dialogs.WaitForElement("[data-testid=webhook-url]");

        await ChooseHowOftenAsync(dialogs, NotificationFrequency.Daily);

        Assert.Contains("Webhooks are sent every time", dialogs.Markup);
        Assert.Empty(dialogs.FindAll("[data-testid=digest-hour]"));
    }

    [Fact]
    public async Task TheListSaysHowOftenEachRuleIsSent()
    {
        await ShowPageAsync(Roles.Admin, async () =>
        {
            await EmailRuleAsync("Every request", EventTypes.RedemptionRequested);
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NotificationService>().CreateAsync(
                new NotificationInput("Morning digest", NotificationChannel.Email, [EventTypes.RedemptionRequested], [RewardType.Custom], ["tina"], null, true,
                    Frequency: NotificationFrequency.Daily, DigestHour: 7), "test", isOwner: false);
        });

        page.WaitForAssertion(
            () => Assert.Equal(["Every Time", "Daily digest at 07:00"], page.FindAll("[data-testid=how-often]").Select(e => e.TextContent.Trim())));
    }

    [Fact]
    public async Task TheListShowsEachNotificationsNameAndTheIdTheApiFiltersTake()
    {
        long id = 0;
        await ShowPageAsync(Roles.Admin, async () => id = await EmailRuleAsync("Custom rewards to Tina", EventTypes.RedemptionRequested));

        page.WaitForAssertion(() => Assert.Contains("Custom rewards to Tina", page.Find("[data-testid=notification-row-name]").TextContent));
        Assert.Equal($"#{id}", page.Find("[data-testid=notification-id]").TextContent.Trim());
    }

    [Fact]
    public async Task EditingARuleThatEmailsTheSamePeopleAboutTheSameEventWarnsButStillSaves()
    {
        var dialogs = await ShowPageAsync(Roles.Admin, async () =>
        {
            await EmailRuleAsync("Tina hears of every request", EventTypes.RedemptionRequested);
            await EmailRuleAsync("Tina again", EventTypes.RedemptionRequested, EventTypes.RedemptionRefused);
            await EmailRuleAsync("Tina on refusals only", EventTypes.RedemptionRefused);
        });
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[aria-label=Edit]").Count));

        page.FindAll("[aria-label=Edit]")[0].Click();

        var warning = dialogs.WaitForElement("[data-testid=overlap-warning]").TextContent;
        Assert.Contains("Tina again", warning);
        Assert.DoesNotContain("Tina on refusals only", warning);
        dialogs.Find("[data-testid=save]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=overlap-warning]")));
        await using var db = Database.CreateDbContext();
        Assert.Equal(3, await db.Notifications.CountAsync());
    }
}
