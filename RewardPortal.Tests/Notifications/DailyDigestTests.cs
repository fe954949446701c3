using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Digests;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Notifications;

/// <summary>
/// Daily digests through the real engine into a real SMTP server. The program runs on New York time, and the digest goes
/// at 08:00 there: the one of 11 March 2026 (EDT, UTC-4) lists what happened from 12:00 UTC on the 10th to 12:00 UTC on the 11th.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class DailyDigestTests() : SmtpAppTest(new()
{
    ["Email:PublicBaseUrl"] = "https://rewards.example.com/",
    ["Program:TimeZone"] = "America/New_York",
})
{
    private static readonly DateTime HourOnTheDay = new(2026, 3, 11, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateOnly Day = new(2026, 3, 11);

    private async Task<long> DigestRuleAsync(IReadOnlyList<string> recipients, params RewardType[] types)
    {
        var created = await factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput("Morning digest", NotificationChannel.Email, [EventTypes.RedemptionRequested], types, recipients, null, true,
                Frequency: NotificationFrequency.Daily, DigestHour: 8),
            "test", isOwner: true));
        // Made at the 10th's hour: the 11th's digest is its first.
        await using var db = await factory.CreateDbContextAsync();
        await db.Notifications.Where(n => n.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.CreatedAt, HourOnTheDay.AddDays(-1)));
        return created.Id;
    }

    /// <summary>A redemption through the outbox, then its event moved to the given time.</summary>
    private async Task RedeemAtAsync(string participantName, RewardType type, DateTime occurredAtUtc)
    {
        var participant = await factory.CreateParticipantAsync(participantName);
        var reward = await factory.CreateRewardAsync(type);
        var redemption = await factory.RedeemAsync(participant, reward);
        await using var db = await factory.CreateDbContextAsync();
        await db.Events.Where(e => e.RedemptionId == redemption.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.OccurredAt, occurredAtUtc));
    }

    private DigestJob JobAt(DateTime nowUtc) =>
        ActivatorUtilities.CreateInstance<DigestJob>(factory.Services, (TimeProvider)new FixedClock(nowUtc));

    private async Task<List<Delivery>> DigestDeliveriesAsync(long ruleId)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Deliveries.AsNoTracking().Include(d => d.Event).Include(d => d.Attempts).Where(d => d.NotificationId == ruleId).ToListAsync();
    }

    private static string Text(MimeMessage message) => message.TextBody ?? "";

    [SmtpFact]
    public async Task ADayWithRedemptionsSendsEachRecipientOneEmailListingThemInTheProgramsTimeZone()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var admin = await factory.CreateUserAsync("admin@team.test", Roles.Admin);
        var rule = await DigestRuleAsync([team, admin], RewardType.Custom, RewardType.GiftCard);
        await RedeemAtAsync("Before the period", RewardType.Custom, new DateTime(2026, 3, 10, 11, 59, 0, DateTimeKind.Utc));
        await RedeemAtAsync("Ada Lovelace", RewardType.Custom, new DateTime(2026, 3, 10, 13, 0, 0, DateTimeKind.Utc));
        // 05:00 in New York: after 08:00 UTC, yet before the digest's hour where the program is.
        await RedeemAtAsync("Grace Hopper", RewardType.GiftCard, new DateTime(2026, 3, 11, 9, 0, 0, DateTimeKind.Utc));
        await RedeemAtAsync("Not a type it follows", RewardType.VoucherCode, new DateTime(2026, 3, 11, 10, 0, 0, DateTimeKind.Utc));
        await RedeemAtAsync("After the hour", RewardType.Custom, new DateTime(2026, 3, 11, 12, 0, 0, DateTimeKind.Utc));
        Assert.Empty(await DigestDeliveriesAsync(rule));

        await JobAt(HourOnTheDay.AddMinutes(3)).RunAsync();

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal(["admin@team.test", "fulfilment@team.test"], message.To.Mailboxes.Select(m => m.Address).Order());
        Assert.Contains("Morning digest", message.Subject);
        Assert.Contains("2 redemption events", message.Subject);
        foreach (var body in new[] { Text(message), System.Net.WebUtility.HtmlDecode(message.HtmlBody ?? "") })
        {
            foreach (var expected in new[] { "Ada Lovelace", "2026-03-10 09:00", "Grace Hopper", "2026-03-11 05:00", "Branded hoodie GiftCard", "Requested",
                "America/New_York" })
                Assert.Contains(expected, body);
            foreach (var unexpected in new[] { "Before the period", "Not a type it follows", "After the hour" })
                Assert.DoesNotContain(unexpected, body);
        }
        Assert.Contains("https://rewards.example.com/admin/redemptions/", message.HtmlBody);
        var delivery = Assert.Single(await DigestDeliveriesAsync(rule));
        Assert.Equal(EventTypes.Digest, delivery.Event!.Type);
        await Wait.UntilAsync(async () => (await DigestDeliveriesAsync(rule)).Single().Status == DeliveryStatus.Succeeded,
            what: "the digest's delivery to succeed");
        Assert.Single((await DigestDeliveriesAsync(rule)).Single().Attempts);
    }

    [SmtpFact]
    public async Task TheHourIsTheProgramsNotUtc()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var rule = await DigestRuleAsync([team], RewardType.Custom);
        await RedeemAtAsync("Ada Lovelace", RewardType.Custom, new DateTime(2026, 3, 11, 3, 0, 0, DateTimeKind.Utc));

        // 11:00 UTC is past 08:00 UTC, but 07:00 in New York.
        await JobAt(HourOnTheDay.AddHours(-1)).RunAsync();

        Assert.Empty(await DigestDeliveriesAsync(rule));
        await using (var db = await factory.CreateDbContextAsync())
            Assert.False(await db.DigestsSent.AnyAsync(d => d.NotificationId == rule && d.Day == Day));

        await JobAt(HourOnTheDay).RunAsync();

        Assert.Contains("Ada Lovelace", Text(Assert.Single(await smtp.WaitForAsync(1))));
    }

    [SmtpFact]
    public async Task ADayWithNoRedemptionsSendsNothing()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var rule = await DigestRuleAsync([team], RewardType.Custom);
        await RedeemAtAsync("The day before", RewardType.Custom, new DateTime(2026, 3, 9, 15, 0, 0, DateTimeKind.Utc));

        await JobAt(HourOnTheDay.AddMinutes(3)).RunAsync();

        await using (var db = await factory.CreateDbContextAsync())
            Assert.Equal(0, (await db.DigestsSent.SingleAsync(d => d.NotificationId == rule && d.Day == Day)).EventCount);
        Assert.Empty(await DigestDeliveriesAsync(rule));
        await Task.Delay(1000);
        Assert.Empty(smtp.Messages());
    }

    [SmtpFact]
    public async Task ADigestMissedWhileTheAppWasDownIsSentOnceWhenItStarts()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var rule = await DigestRuleAsync([team], RewardType.Custom);
        await RedeemAtAsync("Ada Lovelace", RewardType.Custom, new DateTime(2026, 3, 10, 20, 0, 0, DateTimeKind.Utc));
        await factory.DisposeAsync();

        // Down over the hour; back at 11:00 in New York, where the job runs at start and every few minutes after.
        factory = NewFactory();
        await JobAt(HourOnTheDay.AddHours(3)).RunAsync();
        await JobAt(HourOnTheDay.AddHours(3).AddMinutes(5)).RunAsync();
        Assert.Single(await smtp.WaitForAsync(1));
        await factory.DisposeAsync();
        factory = NewFactory();
        await JobAt(HourOnTheDay.AddHours(4)).RunAsync();

        await Task.Delay(1000);
        Assert.Single(smtp.Messages());
        Assert.Single(await DigestDeliveriesAsync(rule));
    }

    [SmtpFact]
    public async Task TwoRunsAtOnceQueueTheDigestOnce()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var rule = await DigestRuleAsync([team], RewardType.Custom);
        await RedeemAtAsync("Ada Lovelace", RewardType.Custom, new DateTime(2026, 3, 10, 20, 0, 0, DateTimeKind.Utc));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => JobAt(HourOnTheDay.AddMinutes(1)).RunAsync())));

        Assert.Single(await smtp.WaitForAsync(1));
        await Task.Delay(1000);
        Assert.Single(smtp.Messages());
        Assert.Single(await DigestDeliveriesAsync(rule));
    }

    [SmtpFact]
    public async Task ADailyRuleGetsNoEmailPerEventWhileAnEveryTimeRuleStillDoes()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var digest = await DigestRuleAsync([team], RewardType.Custom);
        var everyTime = (await factory.CreateEmailNotificationAsync([team], RewardType.Custom)).Id;

        await factory.RedeemAsync(await factory.CreateParticipantAsync(), await factory.CreateRewardAsync(RewardType.Custom));

        Assert.Single(await smtp.WaitForAsync(1));
        Assert.Single(await factory.DeliveriesAsync(everyTime));
        Assert.Empty(await factory.DeliveriesAsync(digest));
    }

    private sealed class FixedClock(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utcNow);
    }
}
