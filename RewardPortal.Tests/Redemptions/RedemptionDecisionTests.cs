using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Redemptions;

public sealed class RedemptionDecisionTests
{

    [Fact]
    public async Task ARefusalWithoutAReasonIsRefusedAndChangesNothing()
    {
        using var fixture = RedemptionFixture.For(RedemptionFixture.Sqlite);
        var participant = await fixture.Database.ParticipantAsync(cashMinor: 5_000);
        var reward = await fixture.Database.RewardAsync(RewardType.Cash, cost: 1_000, currency: Currency.Cash);
        var redemption = (await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p")).Redemption;

        var refused = await Assert.ThrowsAsync<PortalException>(() => fixture.Decisions.RefuseAsync(redemption.Id, "  ", "team@example.com"));

        Assert.Equal("message", refused.Field);
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(RedemptionStatus.Requested, (await db.Redemptions.SingleAsync()).Status);
        Assert.Equal(4_000, (await db.Participants.SingleAsync()).CashBalanceMinor);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task RefusingRefundsTheBalanceAndReturnsTheStock(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(cashMinor: 5_000);
        var reward = await fixture.Database.RewardAsync(RewardType.Cash, cost: 1_000, stock: 5, currency: Currency.Cash);
        var redemption = (await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p")).Redemption;

        var refused = await fixture.Decisions.RefuseAsync(redemption.Id, "  We cannot pay out to that account.  ", "team@example.com");

        Assert.Equal(RedemptionStatus.Refused, refused.Status);
        Assert.Equal("We cannot pay out to that account.", refused.Message);
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(5_000, (await db.Participants.SingleAsync()).CashBalanceMinor);
        Assert.Equal(5, (await db.Rewards.SingleAsync()).Stock);
        var refund = await db.LedgerEntries.SingleAsync(e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal((1_000, 5_000), (refund.Amount, refund.BalanceAfter));
        Assert.Contains(EventTypes.RedemptionRefused, await db.Events.Select(e => e.Type).ToListAsync());
        var history = await db.RedemptionStatusChanges.Where(h => h.RedemptionId == redemption.Id).OrderBy(h => h.Id).ToListAsync();
        Assert.Equal([RedemptionStatus.Requested, RedemptionStatus.Refused], history.Select(h => h.Status));
        Assert.Equal("team@example.com", history[1].Actor);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task TwoTeamMembersDecidingAtOnceCannotBothWin(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var participant = await fixture.Database.ParticipantAsync(points: 1_000);
        var reward = await fixture.Database.RewardAsync(cost: 100);
        var redemption = (await fixture.Redemptions.RedeemAsync(new RedeemRequest(participant.Id, reward.Id), "p")).Redemption;

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            try
            {
                if (i % 2 == 0) await fixture.Decisions.FulfilAsync(redemption.Id, "Shipped", $"member{i}");
                else await fixture.Decisions.RefuseAsync(redemption.Id, "Sorry", $"member{i}");
                return null;
            }
            catch (PortalException e) { return e; }
        })));

        Assert.Equal(9, attempts.Count(e => e?.Code == RedemptionErrors.AlreadyDecided));
        Assert.Contains("already", attempts.First(e => e is not null)!.Message);
        await using var db = fixture.Database.CreateDbContext();
        var final = await db.Redemptions.SingleAsync();
        var refunds = await db.LedgerEntries.CountAsync(e => e.Kind == LedgerEntryKind.Refund);
        Assert.Equal(final.Status == RedemptionStatus.Refused ? 1 : 0, refunds);
        Assert.Equal(final.Status == RedemptionStatus.Refused ? 1_000 : 900, (await db.Participants.SingleAsync()).PointsBalance);
        Assert.Equal(2, await db.RedemptionStatusChanges.CountAsync());
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task AVoucherCodeOnceShownIsNotReusedAfterARefusal(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        var first = await fixture.Database.ParticipantAsync(points: 100);
        var second = await fixture.Database.ParticipantAsync(points: 100);
        var reward = await fixture.Database.RewardAsync(RewardType.VoucherCode, cost: 10, codes: 1);
        var redemption = (await fixture.Redemptions.RedeemAsync(new RedeemRequest(first.Id, reward.Id), "p")).Redemption;

        var decided = await Assert.ThrowsAsync<PortalException>(() => fixture.Decisions.RefuseAsync(redemption.Id, "x", "team"));
        Assert.Equal(RedemptionErrors.AlreadyDecided, decided.Code);
        var empty = await Assert.ThrowsAsync<PortalException>(() => fixture.Redemptions.RedeemAsync(new RedeemRequest(second.Id, reward.Id), "p"));
        Assert.Equal(RedemptionErrors.VoucherPoolEmpty, empty.Code);
    }

    [Theory]
    [MemberData(nameof(RedemptionFixture.Providers), MemberType = typeof(RedemptionFixture))]
    public async Task UnknownRedemptionsAndOverlongMessagesAreRefused(string provider)
    {
        using var fixture = RedemptionFixture.For(provider);
        Assert.Equal(PortalErrorKind.NotFound, (await Assert.ThrowsAsync<PortalException>(() => fixture.Decisions.FulfilAsync(404, null, "t"))).Kind);
        var tooLong = await Assert.ThrowsAsync<PortalException>(() => fixture.Decisions.FulfilAsync(1, new string('x', 2001), "t"));
        Assert.Equal("message", tooLong.Field);
    }

}
