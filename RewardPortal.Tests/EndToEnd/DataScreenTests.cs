using Microsoft.Playwright;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Tests.Retention;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class DataScreenTests
{
    [BrowserFact]
    public async Task TheOwnerAndAnAdminSetRetentionAndPurgeWithAProgressBarOnADeskAndAPhone()
    {
        using var factory = new PortalFactory();
        var address = factory.StartOnRealPort();
        await DataPurgeTests.SeedAsync(factory);
        await factory.CreateUserAsync("admin@team.test", Roles.Admin);
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var (email, password, phone) in new[]
        {
            (PortalFactory.OwnerEmail, PortalFactory.OwnerPassword, false), ("admin@team.test", TestUsers.Password, true),
        })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, email, password);
            await Ui.GotoAsync(page, "/settings/data");
            var keepDays = page.GetByTestId("keep-days");
            await Assertions.Expect(keepDays).ToHaveValueAsync("30");

            await keepDays.FillAsync("3");
            await page.GetByTestId("save-retention").ClickAsync();
            await Assertions.Expect(page.GetByText("Keep them for 7 to 3650 days.")).ToBeVisibleAsync();
            await keepDays.FillAsync("30");
            await page.GetByTestId("save-retention").ClickAsync();
            await Assertions.Expect(page.GetByText("Kept for 30 days.")).ToBeVisibleAsync();

            await page.GetByTestId("purge-now").ClickAsync();

            await Assertions.Expect(page.GetByTestId("purge-status")).ToContainTextAsync("Done:");
            await Assertions.Expect(page.GetByTestId("purge-progress")).ToBeVisibleAsync();
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-settings-data" : "settings-data");
        }
    }
}
