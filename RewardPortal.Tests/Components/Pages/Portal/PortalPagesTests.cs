using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Portal;

namespace RewardPortal.Tests.Components.Pages.Portal;

public sealed class PortalPagesTests : ComponentTest
{
    private const string UserId = "ada@example.com";

    private async Task<Participant> ParticipantAsync(long points)
    {
        await using var db = Database.CreateDbContext();
        var participant = new Participant { Name = "Ada Lovelace", Email = UserId, UserId = UserId, PointsBalance = points, CreatedAt = DateTime.UtcNow };
        db.Participants.Add(participant);
        await db.SaveChangesAsync();
        db.LedgerEntries.Add(
            new LedgerEntry
            {
                ParticipantId = participant.Id, Amount = points, BalanceAfter = points, Reason = "Welcome bonus", Actor = "test", CreatedAt = DateTime.UtcNow,
            });
        await db.SaveChangesAsync();
        SignInAs(UserId, Roles.Participant);
        return participant;
    }

    private async Task<Reward> RewardAsync(string name, RewardType type, long cost, int codes = 0, long? stock = null)
    {
        await using var db = Database.CreateDbContext();
        var reward = new Reward
        {
            Name = name, Type = type, Cost = cost, Stock = stock, Description = $"{name} description", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        db.VoucherCodes.AddRange(
            Enumerable.Range(1, codes).Select(
                i => new VoucherCode { RewardId = reward.Id, Code = $"{name.ToUpperInvariant()}-{i}", CreatedAt = DateTime.UtcNow }));
        await db.SaveChangesAsync();
        return reward;
    }

    [Fact]
    public async Task HomeShowsBothBalancesAndRecentActivity()
    {
        await ParticipantAsync(points: 1_250);

        var page = Render<PortalHome>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=balance]").Count));
        Assert.Contains("1,250 pts", page.FindAll("[data-testid=balance]")[0].TextContent);
        page.WaitForAssertion(() => Assert.Contains("Welcome bonus", page.Find("[data-testid=ledger]").TextContent));
    }

    [Fact]
    public void AUserWithNoParticipantRecordIsToldSo()
    {
        SignInAs("stranger@example.com", Roles.Participant);

        var page = Render<PortalHome>();

        page.WaitForAssertion(() => Assert.Contains("not linked to a participant", page.Find("[data-testid=no-participant]").TextContent));
    }

    [Fact]
    public async Task RedeemingAVoucherShowsTheCodeAndUnaffordableRewardsStandApart()
    {
        await ParticipantAsync(points: 300);
        await RewardAsync("Coffee", RewardType.VoucherCode, cost: 200, codes: 2);
        await RewardAsync("Laptop", RewardType.Custom, cost: 90_000);
        var dialogs = RenderProviders();
        var page = Render<Redeem>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=reward-card]").Count));
        var laptop = page.FindAll("[data-testid=reward-card]").Single(c => c.TextContent.Contains("Laptop"));
        Assert.Contains("reward-card--unaffordable", laptop.ClassName);
        Assert.Contains("Not enough", laptop.TextContent);

        page.FindAll("[data-testid=reward-card]").Single(c => c.TextContent.Contains("Coffee")).QuerySelector("[data-testid=redeem]")!.Click();
        dialogs.WaitForElement("[data-testid=confirm-redeem]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("COFFEE-1", dialogs.Find("[data-testid=voucher-code]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        await using var db = Database.CreateDbContext();
        Assert.Equal(100, (await db.Participants.SingleAsync()).PointsBalance);
    }

    [Fact]
    public async Task AStoredImageUrlStaysInsideTheImagesSourceAndAddsNoStyle()
    {
        await ParticipantAsync(points: 300);
        var reward = await RewardAsync("Mug", RewardType.Custom, cost: 100);
        // Saved before image URLs were checked: what renders must still be harmless.
        const string crafted = "https://x/a.png\"); background-image: url(\"https://tracker/t";
        await using (var db = Database.CreateDbContext())
        {
            (await db.Rewards.SingleAsync(r => r.Id == reward.Id)).ImageUrl = crafted;
            await db.SaveChangesAsync();
        }

        var page = Render<Redeem>();

        page.WaitForAssertion(() => Assert.Equal(crafted, page.Find("[data-testid=reward-card] img").GetAttribute("src")));
        var card = page.Find("[data-testid=reward-card]");
        Assert.DoesNotContain(card.QuerySelectorAll("[style]"), e => e.GetAttribute("style")!.Contains("url(", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("tracker", string.Concat(card.QuerySelectorAll("[style]").Select(e => e.GetAttribute("style"))));
    }

    [Fact]
    public async Task ARefusedRedemptionSaysWhyAndChargesNothing()
    {
        var participant = await ParticipantAsync(points: 1_000);
        await RewardAsync("Laptop", RewardType.Custom, cost: 900);
        var dialogs = RenderProviders();
        var page = Render<Redeem>();
        page.WaitForElement("[data-testid=redeem]").Click();
        // Spent meanwhile in another tab: the page still thinks the laptop is affordable.
        await using (var db = Database.CreateDbContext())
            await db.Participants.Where(p => p.Id == participant.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PointsBalance, 300));

        dialogs.WaitForElement("[data-testid=confirm-redeem]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Not enough points", dialogs.Find("[data-testid=redeem-error]").TextContent));
        await using var check = Database.CreateDbContext();
        Assert.Equal(0, await check.Redemptions.CountAsync());
    }

    [Fact]
    public async Task ADoubleClickOnRedeemOpensOneConfirmation()
    {
        await ParticipantAsync(points: 1_000);
        await RewardAsync("Coffee", RewardType.VoucherCode, cost: 200, codes: 2);
        var dialogs = RenderProviders();
        var page = Render<Redeem>();

        var redeem = page.WaitForElement("[data-testid=redeem]");
        redeem.Click();
        page.Find("[data-testid=redeem]").Click();

        dialogs.WaitForElement("[data-testid=confirm-redeem]");
        Assert.Single(dialogs.FindAll("[data-testid=confirm-redeem]"));
    }

    [Fact]
    public async Task AnUnaffordableRewardCannotOpenTheConfirmation()
    {
        await ParticipantAsync(points: 300);
        await RewardAsync("Laptop", RewardType.Custom, cost: 90_000);
        var dialogs = RenderProviders();
        var page = Render<Redeem>();

        var redeem = page.WaitForElement("[data-testid=redeem]");
        Assert.True(redeem.HasAttribute("disabled"));
        redeem.Click();

        Assert.Empty(dialogs.FindAll("[data-testid=confirm-redeem]"));
    }

    [Fact]
    public async Task ACustomRedemptionIsRequestedAndListedWithTheTeamsMessageLater()
    {
        var participant = await ParticipantAsync(points: 1_000);
        var hoodie = await RewardAsync("Hoodie", RewardType.Custom, cost: 500, stock: 3);
        var dialogs = RenderProviders();
        var page = Render<Redeem>();
        page.WaitForAssertion(() => Assert.Contains("3 left", page.Find("[data-testid=reward-card]").TextContent));

        page.Find("[data-testid=redeem]").Click();
        dialogs.WaitForElement("[data-testid=confirm-redeem]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("our team will fulfil it", dialogs.Find("[data-testid=redeem-result]").TextContent));

        await using (var db = Database.CreateDbContext())
        {
            var redemption = await db.Redemptions.SingleAsync();
            await Services.GetRequiredService<Core.Redemptions.RedemptionDecisionService>().FulfilAsync(redemption.Id, "Shipped today", "team");
        }
        var mine = Render<MyRedemptions>();
        mine.WaitForAssertion(() => Assert.Contains("Shipped today", mine.Find("[data-testid=team-message]").TextContent));
        Assert.Contains("Fulfilled", mine.Find("[data-testid=status]").TextContent);
        Assert.Equal(participant.Id, (await Database.CreateDbContext().Redemptions.SingleAsync()).ParticipantId);
        _ = hoodie;
    }

    [Fact]
    public async Task ARefusedRedemptionShowsWhatWasRefundedAndWhyWithCashInTheProgramsCurrency()
    {
        var participant = await ParticipantAsync(points: 1_000);
        await using (var db = Database.CreateDbContext())
            await db.Participants.ExecuteUpdateAsync(s => s.SetProperty(p => p.CashBalanceMinor, 5_000));
        var hoodie = await RewardAsync("Hoodie", RewardType.Custom, cost: 500);
        var cash = await RewardAsync("Cash out", RewardType.Cash, cost: 1_250);
        await using (var db = Database.CreateDbContext())
        {
            await db.Rewards.Where(r => r.Id == cash.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CostCurrency, Currency.Cash));
        }
        var redemptions = Services.GetRequiredService<Core.Redemptions.RedemptionService>();
        var decisions = Services.GetRequiredService<Core.Redemptions.RedemptionDecisionService>();
        foreach (var reward in new[] { hoodie, cash })
        {
            var redeemed = await redemptions.RedeemAsync(new Core.Redemptions.RedeemRequest(participant.Id, reward.Id), UserId);
            await decisions.RefuseAsync(redeemed.Redemption.Id, $"No {reward.Name} this month", "team");
        }

        var mine = Render<MyRedemptions>();

        mine.WaitForAssertion(() => Assert.Equal(2, mine.FindAll("[data-testid=refund]").Count));
        var refunds = mine.FindAll("[data-testid=refund]").Select(r => r.TextContent.Trim()).Order().ToList();
        Assert.Equal(["· 12.50 USD refunded", "· 500 points refunded"], refunds);
        Assert.Contains("No Hoodie this month", mine.Markup);
        Assert.Contains("12.50 USD", mine.FindAll("td").Select(c => c.TextContent).First(t => t.Contains("USD")));
    }
}
