using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Rewards;

namespace RewardPortal.Tests.Components.Pages.Rewards;

public sealed class RewardsPageTests : AdminComponentTest
{
    [Fact]
    public async Task TheListShowsCostStockWebhooksAndVoucherCounts()
    {
        var webhook = await AddWebhookAsync("Fulfilment system");
        var service = new RewardService(Database, TimeProvider.System);
        await service.CreateAsync(new RewardInput { Name = "Hoodie", Cost = 500, Stock = 40, WebhookIds = [webhook] }, ActorEmail);
        var coffee = await service.CreateAsync(
            new RewardInput { Name = "Coffee", Type = RewardType.VoucherCode, CostCurrency = Currency.Cash, Cost = 1250 }, ActorEmail);
        await new VoucherPoolService(Database, TimeProvider.System).ImportAsync(coffee.Id, ["A", "B", "C"], ActorEmail);

        var page = Render<Web.Components.Pages.Rewards.Rewards>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=reward-name]").Count));
        var rows = page.FindAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Contains("12.50", rows[0]);
        Assert.Contains("Unlimited", rows[0]);
        Assert.Contains("3 available · 0 used", rows[0]);
        Assert.Contains("500 pts", rows[1]);
        Assert.Contains("40", rows[1]);
        Assert.Contains("Fulfilment system", rows[1]);
    }

    [Fact]
    public async Task SavingAFormWithSeveralMistakesShowsEveryMessageAtOnce()
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        dialog.Find("[data-testid=reward-image]").Change("ftp://example.com/card.png");

        dialog.Find("[data-testid=reward-save]").Click();

        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("Give the reward a name", FieldText(dialog, "reward-name-input"));
            Assert.Contains("The cost must be more than zero", FieldText(dialog, "reward-cost"));
            Assert.Contains("must be a full http:// or https:// address", FieldText(dialog, "reward-image"));
        });
        await using var db = Database.CreateDbContext();
        Assert.False(await db.Rewards.AnyAsync());
    }

    [Theory]
    [InlineData("ftp://example.com/card.png")]
    [InlineData("https://x/a.png\"); background-image: url(\"https://tracker/t")]
    public async Task ABadImageUrlIsShownBesideTheImageField(string imageUrl)
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        dialog.Find("[data-testid=reward-name-input]").Change("Gift card");
        dialog.Find("[data-testid=reward-cost]").Change("10");
        dialog.Find("[data-testid=reward-image]").Change(imageUrl);

        dialog.Find("[data-testid=reward-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("must be a full http:// or https:// address", FieldText(dialog, "reward-image")));
    }

    [Fact]
    public async Task ANameWithALineBreakOrADirectionOverrideIsRefusedBesideTheName()
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        dialog.Find("[data-testid=reward-name-input]").Change("Hoodie\u202Egnp.exe");
        dialog.Find("[data-testid=reward-cost]").Change("10");

        dialog.Find("[data-testid=reward-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("must be a single line", FieldText(dialog, "reward-name-input")));
        await using var db = Database.CreateDbContext();
        Assert.False(await db.Rewards.AnyAsync());
    }

    [Fact]
    public async Task MetadataRowsWithARepeatedNameAreRefusedUnderTheMetadata()
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        dialog.Find("[data-testid=reward-name-input]").Change("Hoodie");
        dialog.Find("[data-testid=reward-cost]").Change("100");
        dialog.Find("[data-testid=kv-add]").Click();
        dialog.Find("[data-testid=kv-add]").Click();
        dialog.WaitForAssertion(() => Assert.Equal(2, dialog.FindAll("[data-testid=kv-key]").Count));
        dialog.FindAll("[data-testid=kv-key]")[0].Change("sku");
        dialog.FindAll("[data-testid=kv-key]")[1].Change("sku");

        dialog.Find("[data-testid=reward-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("'sku' is used twice", dialog.Find("[data-testid=kv-error]").TextContent));
    }

    [Fact]
    public async Task ANewRewardIsSavedWithItsStockAndMetadata()
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        dialog.Find("[data-testid=reward-name-input]").Change("Cash out");
        dialog.Find("[data-testid=reward-cost]").Change("10");
        dialog.Find("[data-testid=reward-stock]").Change("25");
        dialog.Find("[data-testid=kv-add]").Click();
        dialog.WaitForElement("[data-testid=kv-key]").Change("payout");
        dialog.Find("[data-testid=kv-value]").Change("bank transfer");

        dialog.Find("[data-testid=reward-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            var reward = await db.Rewards.SingleOrDefaultAsync();
            return reward is { Cost: 10, Stock: 25, StockCapacity: 25 } && reward.Metadata["payout"] == "bank transfer";
        });
    }

    [Fact]
    public async Task TheWebhookPickListOffersTheProgramsWebhooks()
    {
        await AddWebhookAsync("Fulfilment system");
        await AddWebhookAsync("Old system", enabled: false);
        var dialog = await OpenDialogAsync<RewardDialog>();

        dialog.WaitForElement("[data-testid=reward-webhooks]");
        await dialog.Find("[data-testid=reward-webhooks]").Closest(".mud-input-control")!.QuerySelector(".mud-input")!.MouseDownAsync(new());

        Popovers.WaitForAssertion(() =>
        {
            var items = Popovers.FindAll(".mud-list-item").Select(i => i.TextContent.Trim()).ToList();
            Assert.Contains(items, i => i.Contains("Fulfilment system"));
            Assert.Contains(items, i => i.Contains("Old system (disabled)"));
        });
    }

    [Fact]
    public async Task TheEnabledSwitchDisablesTheReward()
    {
        await new RewardService(Database, TimeProvider.System).CreateAsync(new RewardInput { Name = "Hoodie", Cost = 500 }, ActorEmail);
        var page = Render<Web.Components.Pages.Rewards.Rewards>();
        page.WaitForElement("input[data-testid=reward-enabled]");

        page.Find("input[data-testid=reward-enabled]").Change(false);

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return !(await db.Rewards.SingleAsync()).IsEnabled;
        });
        await using var check = Database.CreateDbContext();
        Assert.Equal("reward.disabled", (await check.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }

    [Fact]
    public void TheFormStoresCashInMinorUnitsAndSendsStockOnlyWhenAsked()
    {
        var form = new RewardForm { Name = "Cash out", CostCurrency = Currency.Cash, Cost = 12.5m, Stock = 3 };

        var input = form.ToInput(setStock: false);

        Assert.Equal((1250L, false), (input.Cost, input.SetStock));
        form.Cost = 12.345m;
        Assert.Equal("cost", Assert.Throws<RewardPortal.Core.Common.PortalException>(() => form.ToInput(true)).Field);
    }

    private async Task<long> AddWebhookAsync(string name, bool enabled = true)
    {
        await using var db = Database.CreateDbContext();
        var webhook = new Notification
        {
            Channel = NotificationChannel.Webhook, Name = name, WebhookUrl = "https://example.com/hook", IsEnabled = enabled,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(webhook);
        await db.SaveChangesAsync();
        return webhook.Id;
    }
}
