using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RewardPortal.Core.Redemptions;
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
        await BrowserSession.ScreenshotAsync(page, "portal-redeem-code");
    }

    [BrowserFact]
    public async Task ARefusedRedemptionShowsWhyAndWhatWasRefunded()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await using var db = await factory.CreateDbContextAsync();
            var ada = await db.Participants.SingleAsync(p => p.Email == "ada@example.com");
            var rewards = await db.Rewards.Where(r => r.Name == "Branded hoodie" || r.Name == "Cash out 10.00").ToListAsync();
            var redemptions = scope.ServiceProvider.GetRequiredService<RedemptionService>();
            var decisions = scope.ServiceProvider.GetRequiredService<RedemptionDecisionService>();
            foreach (var reward in rewards.OrderBy(r => r.Name))
            {
                var redeemed = await redemptions.RedeemAsync(new RedeemRequest(ada.Id, reward.Id), "ada@example.com");
                if (reward.Name == "Branded hoodie")
                    await decisions.RefuseAsync(redeemed.Redemption.Id, "Out of hoodies in size M until January, sorry.", "team@example.com");
                else
                    await decisions.FulfilAsync(redeemed.Redemption.Id, "Paid to your account ending 4421.", "team@example.com");
            }
        }
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "ada@example.com", DemoSeeder.DemoPassword);

        await Ui.GotoAsync(page, "/portal/redemptions");

        await Assertions.Expect(page.GetByTestId("refund")).ToHaveTextAsync("· 500 points refunded");
        await Assertions.Expect(page.GetByTestId("my-redemptions")).ToContainTextAsync("Out of hoodies in size M");
        await Assertions.Expect(page.GetByTestId("my-redemptions")).ToContainTextAsync("10.00 USD");
        await BrowserSession.ScreenshotAsync(page, "my-redemptions");
        var phone = await browser.NewPageAsync(phone: true);
        await BrowserSession.SignInAsync(phone, "ada@example.com", DemoSeeder.DemoPassword);
        await Ui.GotoAsync(phone, "/portal/redemptions");
        await Assertions.Expect(phone.GetByTestId("refund")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(phone, "phone-my-redemptions");
    }
}
