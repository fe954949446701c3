using Microsoft.Playwright;
using RewardPortal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>The API reference works on a machine without internet: everything it needs comes from the app.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ApiReferenceTests(ITestOutputHelper output)
{
    [BrowserFact]
    public async Task TheReferenceRendersWithEveryRequestOffTheMachineBlocked()
    {
        using var factory = new PortalFactory();
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        var blocked = new List<string>();
        var loaded = new List<string>();
        await page.Context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                blocked.Add(route.Request.Url);
                await route.AbortAsync();
                return;
            }
            loaded.Add($"{route.Request.ResourceType} {url.PathAndQuery}");
            await route.ContinueAsync();
        });

        await page.GotoAsync("/api/reference");

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Redemptions" }).First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserSession.ScreenshotAsync(page, "api-reference-offline");
        // What the page loads, for whoever writes its Content-Security-Policy.
        output.WriteLine("Loaded:\n" + string.Join("\n", loaded));
        Assert.Empty(blocked);
    }
}
