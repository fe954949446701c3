using Microsoft.Playwright;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class ShellTests
{
    [BrowserFact]
    public async Task TheOwnerSignsInAndSeesTheAdminNavigation()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();

        await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);

        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(PortalFactory.OwnerEmail);
        await Assertions.Expect(page.Locator("nav, .mud-navmenu").GetByText("API keys")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "owner-dashboard");
    }

    [BrowserFact]
    public async Task AParticipantSeesOnlyThePortalAndCannotOpenAdminPages()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();

        await BrowserSession.SignInAsync(page, "ada@example.com", DemoSeeder.DemoPassword);

        Assert.EndsWith("/portal", page.Url);
        await BrowserSession.ScreenshotAsync(page, "portal-home");
        await page.GotoAsync("/portal/redeem");
        await Assertions.Expect(page.GetByTestId("reward-card").First).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "portal-redeem");
        await Assertions.Expect(page.Locator(".mud-navmenu").GetByText("Participants")).ToHaveCountAsync(0);
        foreach (var adminPage in new[] { "/admin", "/admin/participants", "/settings/notifications", "/hangfire" })
        {
            await page.GotoAsync(adminPage);
            Assert.Contains("/account/access-denied", page.Url);
        }
        await BrowserSession.ScreenshotAsync(page, "participant-denied");
    }

    [BrowserFact]
    public async Task OnAPhoneTheMenuFoldsAwayAndTheDashboardStacks()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync(phone: true);

        await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);

        await Assertions.Expect(page.GetByTestId("waiting-card").First).ToBeVisibleAsync();
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page scrolls sideways on a phone: {width}px wide.");
        await BrowserSession.ScreenshotAsync(page, "phone-dashboard");
    }
}
