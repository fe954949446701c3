using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Playwright;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class DashboardTests
{
    [BrowserFact]
    public async Task TheDashboardReadsItsFiguresOnceAPageLoadNotAgainWhenTheCircuitStarts()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var reads = new ConcurrentQueue<int>();
        using var listener = ListenToDashboardReads(factory.Directory.File("portal.db"), reads);
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);
        reads.Clear();

        await page.GotoAsync("/admin");
        await page.Locator("[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.GetByTestId("daily-chart")).ToHaveCountAsync(4);
        // Prerendering read the figures; the circuit takes them over instead of reading them again.
        Assert.Equal([30], reads.ToArray());

        await page.GetByText("1 year").ClickAsync();
        await Wait.UntilAsync(() => Task.FromResult(reads.Count >= 2), TimeSpan.FromSeconds(10), "the dashboard's two reads");
        Assert.Equal([30, 365], reads.ToArray());
        await page.Mouse.MoveAsync(0, 0);
        await Assertions.Expect(page.GetByTestId("range").GetByText("1 year")).ToHaveCSSAsync("color", "rgb(255, 255, 255)");
        await BrowserSession.ScreenshotAsync(page, "dashboard-year");

        var phone = await browser.NewPageAsync(phone: true);
        await BrowserSession.SignInAsync(phone, "admin@example.com", DemoSeeder.DemoPassword);
        await Assertions.Expect(phone.GetByTestId("daily-chart")).ToHaveCountAsync(4);
        var width = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page scrolls sideways on a phone: {width}px wide.");
        await BrowserSession.ScreenshotAsync(phone, "dashboard-phone");
    }

    private static ActivityListener ListenToDashboardReads(string databaseFile, ConcurrentQueue<int> reads)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PortalMetrics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == "dashboard" && Equals(activity.GetTagItem("db.data_source"), databaseFile))
                    reads.Enqueue((int)activity.GetTagItem("rewardportal.dashboard.days")!);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
