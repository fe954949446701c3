using Microsoft.Playwright;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class RedemptionExportScreenTests
{
    [BrowserFact]
    public async Task TheTeamDownloadsTheFilteredQueueAsCsvOnALaptopAndAPhone()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            participant.Name = "Ada Lovelace";
            reward.Name = "Branded hoodie";
            participant.CustomFields = new() { ["size"] = "XL", ["note"] = "=cmd|' /C calc'!A0" };
            db.Redemptions.AddRange(TestData.Redemption(participant, reward), TestData.Redemption(participant, reward),
                TestData.Redemption(participant, reward, RedemptionStatus.Fulfilled));
            await db.SaveChangesAsync();
        }
        await using var browser = await BrowserSession.StartAsync(address);

        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, "team@example.com", DemoSeeder.DemoPassword);
            // On a phone the select's popover covers the page; the dashboard's link sets the same filter.
            await Ui.GotoAsync(page, phone ? "/admin/redemptions?status=Requested" : "/admin/redemptions");
            if (!phone)
                await Ui.ChooseAsync(page, "Status", "Requested");
            await Assertions.Expect(page.Locator("[data-testid=queue] tbody tr")).ToHaveCountAsync(2);
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-redemptions-export" : "redemptions-export");
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= (phone ? 390 : 1366), $"The queue scrolls sideways: {width}px wide.");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
            var csv = await File.ReadAllTextAsync(await download.PathAsync());

            Assert.StartsWith("redemptions-", download.SuggestedFilename);
            var lines = csv.TrimStart('\uFEFF').TrimEnd().Split("\r\n");
            Assert.Equal(3, lines.Length);
            Assert.All(lines.Skip(1), line => Assert.Contains(",Requested,", line));
            Assert.Contains("\"'=cmd|' /C calc'!A0\"", lines[1]);
            Assert.Contains("Custom: size", lines[0]);
        }
    }
}
