using Microsoft.Playwright;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>The campaign pages and the Add notification dialog's In campaign(s), on the demo data, at desk and phone width.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class CampaignScreensTests
{
    [BrowserFact]
    public async Task AnAdminFindsTheDemoCampaignsTheirMembersAndInCampaignsOnANotification()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var suffix = phone ? "-phone" : "";
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);

            await Ui.GotoAsync(page, "/admin/campaigns");
            await Assertions.Expect(page.GetByTestId("campaign-link")).ToHaveCountAsync(2);
            await BrowserSession.ScreenshotAsync(page, "campaigns" + suffix);
            await page.GetByTestId("campaign-link").Filter(new() { HasText = "Spring referral push" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("campaign-title")).ToHaveTextAsync("Spring referral push");
            await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync("Grace Hopper");
            await Assertions.Expect(page.GetByTestId("campaign-rewards")).ToContainTextAsync("Spring tote bag");
            await BrowserSession.ScreenshotAsync(page, "campaign-detail" + suffix);

            await Ui.GotoAsync(page, "/settings/notifications");
            await page.GetByTestId("add-notification").ClickAsync();
            await Assertions.Expect(page.GetByTestId("in-campaigns")).ToBeVisibleAsync();
            await page.GetByTestId("in-campaigns").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Loyalty programme" }).ClickAsync();
            await page.Keyboard.PressAsync("Escape");
            await BrowserSession.ScreenshotAsync(page, "notification-dialog-campaigns" + suffix);
        }
    }
}
