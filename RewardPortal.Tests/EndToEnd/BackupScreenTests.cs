using Microsoft.Playwright;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class BackupScreenTests
{
    [BrowserFact]
    public async Task TheOwnerBacksUpFromSettingsOnADeskAndAPhone()
    {
        using var factory = new PortalFactory();
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
            await Ui.GotoAsync(page, "/settings/backups");
            var rows = page.Locator("[data-testid=backups] tbody tr", new() { HasText = "rewardportal-" });
            var before = await rows.CountAsync();

            await page.GetByTestId("back-up-now").ClickAsync();

            await Assertions.Expect(rows).ToHaveCountAsync(before + 1);
            await Assertions.Expect(page.GetByText("Backed up to rewardportal-")).ToBeVisibleAsync();
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-backups" : "backups");
        }
        Assert.Equal(2, Directory.GetFiles(factory.Directory.File("backups"), "rewardportal-*.db").Length);
    }
}
