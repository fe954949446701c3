using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class RewardImageTests
{
    [BrowserFact]
    public async Task TheRedeemPageShowsARewardsImageAsAnImageOnALaptopAndAPhone()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var reward = await db.Rewards.OrderBy(r => r.Id).FirstAsync(r => r.IsEnabled);
            reward.ImageUrl = new Uri(address, "/favicon.png").ToString();
            await db.SaveChangesAsync();
        }
        await using var browser = await BrowserSession.StartAsync(address);

        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, "ada@example.com", "Demo-Passw0rd!");
            await page.GotoAsync("/portal/redeem");

            var image = page.Locator("[data-testid=reward-card] img.reward-card__image").First;
            await Assertions.Expect(image).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img.reward-card__image')].every(i => i.complete && i.naturalWidth > 0)");
            // Waited for rather than read once: when the circuit starts it re-renders the cards, and a card's new image
            // has no box until it is laid out. The height is the one the wait saw: a second read could meet a card
            // re-rendered meanwhile.
            var laidOut = await page.WaitForFunctionAsync(
                "() => { const i = document.querySelector('[data-testid=reward-card] img.reward-card__image'); "
                    + "const height = i ? i.getBoundingClientRect().height : 0; return Math.abs(height - 140) < 1 ? height : null; }");
            Assert.Equal(140, await laidOut.JsonValueAsync<double>(), 1);
            await BrowserSession.ScreenshotAsync(page, phone ? "portal-redeem-image-phone" : "portal-redeem-image");
        }
    }
}
