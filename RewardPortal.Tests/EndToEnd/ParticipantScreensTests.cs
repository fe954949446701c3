using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>The participant's side in a real browser on the demo data: what a hurried or impatient hand does.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ParticipantScreensTests
{
    [BrowserFact]
    public async Task DoubleClickingRedeemAndThenConfirmRedeemsOnce()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "ada@example.com", DemoSeeder.DemoPassword);
        await Ui.GotoAsync(page, "/portal/redeem");

        var coffee = page.GetByTestId("reward-card").Filter(new() { HasText = "Coffee voucher" });
        await coffee.GetByTestId("redeem").DblClickAsync();
        await page.GetByTestId("confirm-redeem").First.DblClickAsync();

        await Assertions.Expect(page.GetByTestId("voucher-code")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(1);
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(1, await db.Redemptions.CountAsync());
        Assert.Equal(1, await db.VoucherCodes.CountAsync(c => c.RedemptionId != null));
    }
}
