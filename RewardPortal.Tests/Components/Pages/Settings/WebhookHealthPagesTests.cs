using Bunit;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Tests.Webhooks;
using DashboardPage = RewardPortal.Web.Components.Pages.Admin.Dashboard;
using NotificationsPage = RewardPortal.Web.Components.Pages.Settings.Notifications;

namespace RewardPortal.Tests.Components.Pages.Settings;

/// <summary>Webhook health on Settings > Notifications and the dashboard, and the Re-enable and re-send dialog.</summary>
public sealed class WebhookHealthPagesTests : AdminComponentTest
{
    private readonly DateTime now = DateTime.UtcNow;

    /// <summary>A healthy webhook, and one turned off an hour ago with a delivery that failed before and one failed as it was turned off.</summary>
    private async Task<(long Healthy, long Dead)> SeedAsync()
    {
        var scene = new WebhookHealthScene(Database);
        var healthy = await scene.WebhookAsync("Fulfilment system", now);
        var dead = await scene.WebhookAsync("Old CRM", now, "https://crm.example.com/hooks");
        await scene.DeliveryAsync(dead, now.AddHours(-5), (now.AddHours(-5), false, 15_000));
        for (var i = 4; i >= 1; i--)
            await scene.DeliveryAsync(healthy, now.AddHours(-i), (now.AddHours(-i), true, 120));
        await scene.DeliveryAsync(dead, now.AddHours(-2), (now.AddHours(-1), false, 15_000));
        await using var db = Database.CreateDbContext();
        await db.Notifications.Where(n => n.Id == dead).ExecuteUpdateAsync(s => s
            .SetProperty(n => n.IsEnabled, false).SetProperty(n => n.DisabledAt, now.AddHours(-1))
            .SetProperty(n => n.DisabledReason, "Turned off: every attempt failed for 5 days."));
        return (healthy, dead);
    }

    [Fact]
    public async Task EachWebhookRowShowsItsHealthAndTheOwnerReEnablesAndReSendsWhatFailedSinceItWasTurnedOff()
    {
        var (_, dead) = await SeedAsync();
        await SignInAsync("owner@test.local", Roles.Owner);

        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=webhook-health]").Count));
        var healthy = page.FindAll("[data-testid=webhook-health]")[0];
        Assert.Contains("Healthy", healthy.TextContent);
        Assert.Contains("24 h 100 % · 7 d 100 % · p95 120 ms", healthy.QuerySelector("[data-testid=health-figures]")!.TextContent);
        var failing = page.FindAll("[data-testid=webhook-health]")[1];
        Assert.Contains("Disabled", failing.TextContent);
        Assert.Contains("2 failed in a row", failing.QuerySelector("[data-testid=health-failures]")!.TextContent);
        Assert.Contains("HTTP 503", failing.QuerySelector("[data-testid=health-last-error]")!.TextContent);

        page.Find("[data-testid=reenable]").Click();
        Dialogs.WaitForAssertion(() => Assert.Contains("1 failed delivery will be re-sent", Dialogs.Find("[data-testid=reenable-count]").TextContent));
        SinceInput().Change(now.AddDays(-1).ToString("yyyy-MM-ddTHH:mm"));
        Dialogs.WaitForAssertion(() => Assert.Contains("2 failed deliveries will be re-sent", Dialogs.Find("[data-testid=reenable-count]").TextContent));
        Dialogs.Find("[data-testid=reenable-confirm]").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=reenable]")));
        await using var db = Database.CreateDbContext();
        Assert.True((await db.Notifications.SingleAsync(n => n.Id == dead)).IsEnabled);
        Assert.All(await db.Deliveries.Where(d => d.NotificationId == dead).ToListAsync(), d => Assert.Equal(DeliveryStatus.Pending, d.Status));
    }

    [Fact]
    public async Task ATimeInTheFutureIsRefusedInTheDialog()
    {
        await SeedAsync();
        await SignInAsync("owner@test.local", Roles.Owner);
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=reenable]")));
        page.Find("[data-testid=reenable]").Click();

        SinceInput().Change(now.AddDays(2).ToString("yyyy-MM-ddTHH:mm"));

        Dialogs.WaitForAssertion(() => Assert.Contains("Since must not be in the future.", Dialogs.Markup));
        Assert.True(Dialogs.Find("[data-testid=reenable-confirm]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AnAdminSeesHealthButNoReEnableButton()
    {
        await SeedAsync();

        var page = Render<NotificationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=webhook-health]").Count));
        Assert.Empty(page.FindAll("[data-testid=reenable]"));
    }

    [Fact]
    public async Task TheDashboardCardListsUnhealthyWebhooksFirst()
    {
        await SeedAsync();

        var page = Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=webhook-health-row]").Count));
        var rows = page.FindAll("[data-testid=webhook-health-row]");
        Assert.Contains("Old CRM", rows[0].TextContent);
        Assert.Contains("Disabled", rows[0].TextContent);
        Assert.Contains("Fulfilment system", rows[1].TextContent);
        Assert.Contains("24 h 100 %", rows[1].TextContent);
    }

    private AngleSharp.Dom.IElement SinceInput()
    {
        var field = Dialogs.Find("[data-testid=reenable-since]");
        return field.TagName == "INPUT" ? field : field.QuerySelector("input")!;
    }
}
