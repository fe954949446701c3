using Microsoft.Playwright;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>Every screen renders and stays interactive under the content security policy, with no violation reported.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ContentSecurityPolicyTests
{
    [BrowserFact]
    public async Task SignInDashboardHangfireAndTheApiReferenceWorkWithNoViolation()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        await using var browser = await BrowserSession.StartAsync(factory.StartOnRealPort());
        var page = await browser.NewPageAsync();
        var violations = WatchForViolations(page);

        await page.GotoAsync("/account/login");
        await BrowserSession.ScreenshotAsync(page, "csp-sign-in");
        await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        // Interactive: the circuit answers a click by opening the alerts.
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(PortalFactory.OwnerEmail);
        await page.GotoAsync("/admin/participants");
        await Assertions.Expect(page.GetByText("Ada Lovelace").First).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "csp-dashboard");

        await page.GotoAsync("/hangfire");
        await Assertions.Expect(page.Locator("#stats, .js-metrics, .navbar").First).ToBeVisibleAsync();
        await page.GotoAsync("/hangfire/recurring");
        await BrowserSession.ScreenshotAsync(page, "csp-hangfire");

        await page.GotoAsync("/api/reference");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserSession.ScreenshotAsync(page, "csp-api-reference");
        await Assertions.Expect(page.GetByText("/api/v1/redemptions").First).ToBeVisibleAsync(new() { Timeout = 30_000 });

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [BrowserFact]
    public async Task AParticipantRedeemsUnderThePolicyWithNoViolation()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        await using var browser = await BrowserSession.StartAsync(factory.StartOnRealPort());
        var page = await browser.NewPageAsync(phone: true);
        var violations = WatchForViolations(page);

        await BrowserSession.SignInAsync(page, "ada@example.com", DemoSeeder.DemoPassword);
        await Ui.GotoAsync(page, "/portal/redeem");
        await page.GetByTestId("redeem").First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "csp-redeem");

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    private static List<string> WatchForViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains(
                "Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                lock (violations)
                    violations.Add(message.Text);
        };
        page.PageError += (_, error) =>
        {
            lock (violations)
                violations.Add("page error: " + error);
        };
        return violations;
    }
}
