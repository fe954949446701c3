using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Rewards;

public sealed class RewardServiceTests : IDisposable
{
    private const string Actor = "admin@test.local";
    private readonly SqliteTestDatabase database = new();
    private readonly RewardService rewards;

    public RewardServiceTests() => rewards = new RewardService(database, TimeProvider.System);

    public void Dispose() => database.Dispose();

    private static RewardInput Hoodie => new()
    {
        Name = "Hoodie", Description = "Warm", Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 500, Stock = 40,
        Metadata = new Dictionary<string, string> { ["sku"] = "HOOD-1" },
    };

    [Fact]
    public async Task ARewardIsCreatedWithItsWebhooksMetadataAndAnAuditEntry()
    {
        var webhook = await AddNotificationAsync(NotificationChannel.Webhook);

        var created = await rewards.CreateAsync(Hoodie with { WebhookIds = [webhook.Id] }, Actor);

        var listed = Assert.Single(await rewards.ListAsync());
        Assert.Equal("Hoodie", listed.Name);
        Assert.Equal(40, listed.Stock);
        Assert.Equal(webhook.Id, Assert.Single(listed.Webhooks).Id);
        Assert.Null(listed.Vouchers);
        await using var db = database.CreateDbContext();
        var stored = await db.Rewards.SingleAsync();
        Assert.Equal(40, stored.StockCapacity);
        Assert.Equal("HOOD-1", stored.Metadata["sku"]);
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal(("reward.created", Actor, created.Id.ToString()), (audit.Action, audit.Actor, audit.EntityId));
    }

    public static TheoryData<string, RewardInput> InvalidInputs() => new()
    {
        { "name", Hoodie with { Name = "  " } },
        { "name", Hoodie with { Name = new string('x', 201) } },
        { "description", Hoodie with { Description = new string('x', 4001) } },
        { "cost", Hoodie with { Cost = 0 } },
        { "cost", Hoodie with { Cost = -5 } },
        { "stock", Hoodie with { Stock = -1 } },
        { "imageUrl", Hoodie with { ImageUrl = "ftp://example.com/a.png" } },
        { "imageUrl", Hoodie with { ImageUrl = "javascript:alert(1)" } },
        { "imageUrl", Hoodie with { ImageUrl = "/relative.png" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/a.png\"); background-image: url(\"https://tracker/t" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/a.png'); color: red" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/a b.png" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/a.png\nX" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/a<b>.png" } },
        { "imageUrl", Hoodie with { ImageUrl = "https://x/caf\u00e9.png" } },
        { "imageUrl", Hoodie with { ImageUrl = "https:///a.png" } },
        { "metadata", Hoodie with { Metadata = new Dictionary<string, string> { [" "] = "x" } } },
        { "metadata", Hoodie with { Metadata = new Dictionary<string, string> { ["k"] = new string('x', 1001) } } },
        { "metadata", Hoodie with { Metadata = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v") } },
        { "type", Hoodie with { Type = (RewardType)42 } },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task ValidationErrorsNameTheField(string field, RewardInput input)
    {
        var error = await Assert.ThrowsAsync<PortalException>(() => rewards.CreateAsync(input, Actor));

        Assert.Equal(PortalErrorKind.Invalid, error.Kind);
        Assert.Equal(field, error.Field);
        await using var db = database.CreateDbContext();
        Assert.False(await db.Rewards.AnyAsync());
    }

    [Fact]
    public async Task OnlyTheProgramsWebhookNotificationsCanBeAssigned()
    {
        var email = await AddNotificationAsync(NotificationChannel.Email);
        var deleted = await AddNotificationAsync(NotificationChannel.Webhook, deleted: true);

        foreach (var id in new[] { email.Id, deleted.Id, 999 })
        {
            var error = await Assert.ThrowsAsync<PortalException>(() => rewards.CreateAsync(Hoodie with { WebhookIds = [id] }, Actor));
            Assert.Equal("webhookIds", error.Field);
        }
    }

    [Fact]
    public async Task TheWebhookPickListOffersWebhooksOnly()
    {
        var webhook = await AddNotificationAsync(NotificationChannel.Webhook, enabled: false);
        await AddNotificationAsync(NotificationChannel.Email);
        await AddNotificationAsync(NotificationChannel.Webhook, deleted: true);

        var option = Assert.Single(await rewards.WebhookOptionsAsync());

        Assert.Equal(new WebhookOption(webhook.Id, "hook", false), option);
    }

    [Fact]
    public async Task SettingTheStockResetsItsCapacityAndTheLowStockAlert()
    {
        var created = await rewards.CreateAsync(Hoodie, Actor);
        await using (var db = database.CreateDbContext())
            await db.Rewards.ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, 3).SetProperty(r => r.LowStockAlertedAt, DateTime.UtcNow));

        await rewards.UpdateAsync(created.Id, Hoodie with { Stock = 100 }, Actor);

        await using var check = database.CreateDbContext();
        var reward = await check.Rewards.SingleAsync();
        Assert.Equal((100L, 100L, (DateTime?)null), (reward.Stock!.Value, reward.StockCapacity!.Value, reward.LowStockAlertedAt));
    }

    [Fact]
    public async Task SavingWithoutTouchingTheStockKeepsWhatRedemptionsLeft()
    {
        var created = await rewards.CreateAsync(Hoodie, Actor);
        var alertedAt = DateTime.UtcNow;
        await using (var db = database.CreateDbContext())
            await db.Rewards.ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, 3).SetProperty(r => r.LowStockAlertedAt, alertedAt));

        // The form was opened when the stock was 40; the admin only renamed the reward.
        await rewards.UpdateAsync(created.Id, Hoodie with { Name = "Hoodie v2", Stock = 40, SetStock = false }, Actor);

        await using var check = database.CreateDbContext();
        var reward = await check.Rewards.SingleAsync();
        Assert.Equal(("Hoodie v2", 3L, 40L), (reward.Name, reward.Stock!.Value, reward.StockCapacity!.Value));
        Assert.NotNull(reward.LowStockAlertedAt);
        var audit = await check.AuditEntries.OrderBy(a => a.Id).LastAsync();
        Assert.Equal("reward.updated", audit.Action);
        Assert.Contains("name: Hoodie -> Hoodie v2", audit.Details);
    }

    [Fact]
    public async Task EditingReplacesTheAssignedWebhooks()
    {
        var first = await AddNotificationAsync(NotificationChannel.Webhook);
        var second = await AddNotificationAsync(NotificationChannel.Webhook);
        var created = await rewards.CreateAsync(Hoodie with { WebhookIds = [first.Id] }, Actor);

        await rewards.UpdateAsync(created.Id, Hoodie with { WebhookIds = [second.Id], SetStock = false }, Actor);

        var reward = await rewards.GetAsync(created.Id);
        Assert.Equal([second.Id], RewardInput.From(reward).WebhookIds);
    }

    [Fact]
    public async Task DisablingEnablingAndDeletingAreAuditedAndDeletedRewardsLeaveTheCatalogue()
    {
        var created = await rewards.CreateAsync(Hoodie, Actor);

        await rewards.SetEnabledAsync(created.Id, false, Actor);
        Assert.False(Assert.Single(await rewards.ListAsync()).Enabled);
        await rewards.SetEnabledAsync(created.Id, true, Actor);
        await rewards.DeleteAsync(created.Id, Actor);

        Assert.Empty(await rewards.ListAsync());
        var missing = await Assert.ThrowsAsync<PortalException>(() => rewards.UpdateAsync(created.Id, Hoodie, Actor));
        Assert.Equal(PortalErrorKind.NotFound, missing.Kind);
        await using var db = database.CreateDbContext();
        Assert.True((await db.Rewards.SingleAsync()).IsDeleted);
        Assert.Equal(["reward.created", "reward.disabled", "reward.enabled", "reward.deleted"],
            await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task AVoucherRewardWithCodesStaysAVoucherReward()
    {
        var created = await rewards.CreateAsync(Hoodie with { Type = RewardType.VoucherCode, Stock = null }, Actor);
        await new VoucherPoolService(database, TimeProvider.System).ImportAsync(created.Id, ["A-1"], Actor);

        var error = await Assert.ThrowsAsync<PortalException>(() => rewards.UpdateAsync(created.Id, Hoodie with { Type = RewardType.Custom }, Actor));

        Assert.Equal("type", error.Field);
        Assert.Equal(new VoucherCounts(1, 0), Assert.Single(await rewards.ListAsync()).Vouchers);
    }

    private async Task<Notification> AddNotificationAsync(NotificationChannel channel, bool deleted = false, bool enabled = true)
    {
        await using var db = database.CreateDbContext();
        var notification = new Notification
        {
            Channel = channel, Name = channel == NotificationChannel.Webhook ? "hook" : "mail", WebhookUrl = "https://example.com/hook",
            IsDeleted = deleted, IsEnabled = enabled, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification;
    }
}
