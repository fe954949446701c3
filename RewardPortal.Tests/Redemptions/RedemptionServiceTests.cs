using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Redemptions;

public sealed class RedemptionServiceTests
{

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task FiftySimultaneousRedemptionsWithBalanceForTenMakeExactlyTen(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 1_000);
        var reward = await fixture.Database.RewardAsync(cost: 100);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            try { return (await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "racer")).Redemption.Id; }
            catch (PortalException e) when (e.Code == RedemptionErrors.InsufficientBalance) { return 0; }
        })));

        Assert.Equal(10, outcomes.Count(id => id > 0));
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(0, (await db.Participants.SingleAsync(p => p.Id == participant.Id)).PointsBalance);
        Assert.Equal(10, await db.Redemptions.CountAsync());
        Assert.Equal(10, await db.LedgerEntries.CountAsync(e => e.Kind == LedgerEntryKind.Redemption));
        Assert.Equal(0, (await db.LedgerEntries.Where(e => e.ParticipantId == participant.Id).OrderBy(e => e.Id).ToListAsync()).Last().BalanceAfter);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task FiftyParticipantsRacingForTenVoucherCodesGetTenDistinctCodes(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var reward = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 10, codes: 10);
        var participants = new List<Participant>();
        for (var i = 0; i < 50; i++)
            participants.Add(await fixture.Database.ParticipantAsync(points: 100));

        var outcomes = await Task.WhenAll(participants.Select(p => Task.Run(async () =>
        {
            try { return (await fixture.Redemptions.RedeemAsync(new RedeemRequest(p.Id, reward.Id), "racer")).Redemption.VoucherCode; }
            catch (PortalException e) when (e.Code == RedemptionErrors.VoucherPoolEmpty) { return null; }
        })));

        var codes = outcomes.OfType<string>().ToList();
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(10, await db.Redemptions.CountAsync(r => r.Status == RedemptionStatus.Fulfilled));
        Assert.Equal(40 * 100 + 10 * 90, await db.Participants.SumAsync(p => p.PointsBalance));
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task TheSameIdempotencyKeyReturnsTheFirstRedemptionAndChargesOnce(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 1_000);
        var reward = await fixture.Database.RewardAsync(cost: 100);
        var request = new RedeemRequest(participant.Id, reward.Id, "click-1", "api-key:1");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => fixture.Redemptions.RedeemAsync(request, "p"))));

        Assert.Single(results.Select(r => r.Redemption.Id).Distinct());
        Assert.Single(results, r => !r.Replayed);
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(900, (await db.Participants.SingleAsync()).PointsBalance);

        var other = await fixture.Database.RewardAsync(cost: 5);
        var reused = await Assert.ThrowsAsync<PortalException>(() => fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, other.Id, "click-1",
            "api-key:1"), "p"));
        Assert.Equal(RedemptionErrors.IdempotencyKeyReused, reused.Code);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task AKeyBelongsToItsCallerAndNamesOneRequestWhateverTheParticipant(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var first = await fixture.Database.ParticipantAsync(points: 1_000);
        var second = await fixture.Database.ParticipantAsync(points: 1_000);
        var reward = await fixture.Database.RewardAsync(cost: 100);
        await fixture.Redemptions.RedeemAsync(new RedeemRequest(first.Id, reward.Id, "order-9", "api-key:1"), "p");

        // The same caller and key for another participant: refused, not a second charge.
        var reused = await Assert.ThrowsAsync<PortalException>(() =>
            fixture.Redemptions.RedeemAsync(new RedeemRequest(second.Id, reward.Id, "order-9", "api-key:1"), "p"));
        Assert.Equal((RedemptionErrors.IdempotencyKeyReused, "idempotencyKey"), (reused.Code, reused.Field));

        // Racing requests with one key for another participant from another caller: that caller's one redemption.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => fixture.Redemptions.RedeemAsync(new RedeemRequest(second.Id, reward.Id, "order-9", "api-key:2"), "p"))));
        Assert.Single(results.Select(r => r.Redemption.Id).Distinct());
        Assert.Single(results, r => !r.Replayed);

        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(2, await db.Redemptions.CountAsync());
        Assert.Equal(900, (await db.Participants.SingleAsync(p => p.Id == first.Id)).PointsBalance);
        Assert.Equal(900, (await db.Participants.SingleAsync(p => p.Id == second.Id)).PointsBalance);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task EachRefusalSaysWhyAndWritesNothing(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var rich = await fixture.Database.ParticipantAsync(points: 10_000);
        var poor = await fixture.Database.ParticipantAsync(points: 5);
        var suspended = await fixture.Database.ParticipantAsync(points: 10_000, suspended: true);
        var custom = await fixture.Database.RewardAsync(cost: 100);
        var disabled = await fixture.Database.RewardAsync(cost: 1, enabled: false);
        var soldOut = await fixture.Database.RewardAsync(cost: 1, stock: 0);
        var emptyPool = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 1);

        await AssertRefusedAsync(fixture, new RedeemRequest(poor.Id, custom.Id), RedemptionErrors.InsufficientBalance, "Not enough points");
        await AssertRefusedAsync(fixture, new RedeemRequest(suspended.Id, custom.Id), RedemptionErrors.ParticipantSuspended, "suspended");
        await AssertRefusedAsync(fixture, new RedeemRequest(rich.Id, disabled.Id), RedemptionErrors.RewardUnavailable, "not available");
        await AssertRefusedAsync(fixture, new RedeemRequest(rich.Id, soldOut.Id), RedemptionErrors.OutOfStock, "out of stock");
        await AssertRefusedAsync(fixture, new RedeemRequest(rich.Id, emptyPool.Id), RedemptionErrors.VoucherPoolEmpty, "no codes left");
        await AssertRefusedAsync(fixture, new RedeemRequest(rich.Id, 99_999), "not_found", "not found");

        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(0, await db.Redemptions.CountAsync());
        Assert.Equal(0, await db.LedgerEntries.CountAsync());
        Assert.Equal(0, await db.Events.CountAsync());
        Assert.Equal(10_000, (await db.Participants.SingleAsync(p => p.Id == rich.Id)).PointsBalance);
    }

    private static async Task AssertRefusedAsync(RedemptionFixture fixture, RedeemRequest request, string code, string message)
    {
        var refusal = await Assert.ThrowsAsync<PortalException>(() => fixture.Redemptions.RedeemAsync(request, "p"));
        Assert.Equal(code, refusal.Code);
        Assert.Contains(message, refusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task AVoucherRedemptionIsFulfilledAtOnceWithItsCodeAndBothEvents(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 100);
        var reward = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 10, codes: 3);

        var result = await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p");

        Assert.Equal(RedemptionStatus.Fulfilled, result.Redemption.Status);
        Assert.StartsWith("CODE-", result.Redemption.VoucherCode);
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal([EventTypes.RedemptionRequested, EventTypes.RedemptionFulfilled], await db.Events.OrderBy(e => e.Id).Select(e => e.Type).ToListAsync());
        Assert.Equal(result.Redemption.Id, (await db.VoucherCodes.SingleAsync(v => v.Code == result.Redemption.VoucherCode)).RedemptionId);
        Assert.Equal(2, (await db.Redemptions.Include(r => r.History).SingleAsync()).History.Count);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task TheOutboxGetsADeliveryPerMatchingNotificationOnly(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 10_000, address: new() { Line1 = "1 Main St", City = "Springfield" });
        var customEmails = await fixture.Database.NotificationAsync(NotificationChannel.Email, EventTypes.RedemptionRequested, RewardType.Custom);
        var assignedWebhook = await fixture.Database.NotificationAsync(NotificationChannel.Webhook);
        var unassignedWebhook = await fixture.Database.NotificationAsync(NotificationChannel.Webhook);
        var disabled = await fixture.Database.NotificationAsync(NotificationChannel.Email);
        await using (var db = fixture.Database.CreateDbContext())
            await db.Notifications.Where(n => n.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.IsEnabled, false));
        var custom = await fixture.Database.RewardAsync(cost: 10, webhooks: [assignedWebhook]);
        var voucher = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 10, codes: 1);

        var customRedemption = await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, custom.Id), "p");
        var voucherRedemption = await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, voucher.Id), "p");

        await using var check = fixture.Database.CreateDbContext();
        var forCustom = await check.Deliveries.Where(d => d.Event!.RedemptionId == customRedemption.Redemption.Id)
            .Select(d => d.NotificationId).OrderBy(id => id).ToListAsync();
        var forVoucher = await check.Deliveries.Where(d => d.Event!.RedemptionId == voucherRedemption.Redemption.Id).CountAsync();
        Assert.Equal([customEmails.Id, assignedWebhook.Id], forCustom);
        Assert.Equal(0, forVoucher);
        Assert.DoesNotContain(unassignedWebhook.Id, forCustom);
        Assert.True(fixture.Signal.Count >= 2);
        var data = await check.Events.Where(e => e.RedemptionId == customRedemption.Redemption.Id).Select(e => e.DataJson).FirstAsync();
        Assert.Contains("\"sku\":\"X-1\"", data);
        Assert.Contains("\"line1\":\"1 Main St\"", data);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task LowStockRaisesOneAlertNotOnePerRedemption(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 10_000);
        var reward = await fixture.Database.RewardAsync(cost: 1, stock: 20);

        for (var i = 0; i < 20; i++)
            await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p");

        await using var db = fixture.Database.CreateDbContext();
        var alert = Assert.Single(await db.Alerts.ToListAsync());
        Assert.Contains("2 of 20", alert.Body);
        Assert.Equal(0, (await db.Rewards.SingleAsync()).Stock);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task AVoucherPoolRunningLowRaisesOneAlert(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 10_000);
        var reward = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 1, codes: 20);

        for (var i = 0; i < 19; i++)
            await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p");

        await using var db = fixture.Database.CreateDbContext();
        var alert = Assert.Single(await db.Alerts.ToListAsync());
        Assert.StartsWith("2 of 20 voucher codes left.", alert.Body);
    }

}
