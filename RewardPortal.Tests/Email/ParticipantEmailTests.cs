using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Email;

/// <summary>The participant's own emails, and one email per person per event, through a real SMTP server.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ParticipantEmailTests() : SmtpAppTest(new()
{
    ["Email:PublicBaseUrl"] = "https://rewards.example.com/",
    ["Program:CashCurrency"] = "EUR",
})
{
    private Task<CreatedNotification> TellTheParticipantAsync(string name = "Tell the participant", params string[] teamIds) =>
        factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput(name, NotificationChannel.Email, [EventTypes.RedemptionFulfilled, EventTypes.RedemptionRefused],
                Enum.GetValues<RewardType>(), teamIds, null, true, NotifyParticipant: true),
            "test", isOwner: true));

    private RedemptionDecisionService Decisions => factory.Services.GetRequiredService<RedemptionDecisionService>();

    private static IEnumerable<string> Bodies(MimeMessage message) => [message.TextBody ?? "", System.Net.WebUtility.HtmlDecode(message.HtmlBody ?? "")];

    [SmtpFact]
    public async Task AFulfilledRedemptionEmailsTheParticipantTheRewardTheMessageTheCodeAndALinkToMyRedemptions()
    {
        await TellTheParticipantAsync();
        var participant = await factory.CreateParticipantAsync("Ada Lovelace", "ada@participants.test");
        var reward = await factory.CreateRewardAsync(RewardType.VoucherCode);
        var redemption = await factory.RedeemAsync(participant, reward, voucherCode: "COFFEE-0042");

        await Decisions.FulfilAsync(redemption.Id, "Enjoy your coffee", "team@test");

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("ada@participants.test", message.To.Mailboxes.Single().Address);
        Assert.Contains(reward.Name, message.Subject);
        Assert.NotNull(message.HtmlBody);
        Assert.NotNull(message.TextBody);
        foreach (var body in Bodies(message))
            foreach (var expected in new[] { reward.Name, "Fulfilled", "Enjoy your coffee", "COFFEE-0042", "https://rewards.example.com/portal/redemptions" })
                Assert.Contains(expected, body);
        Assert.Contains("href=\"https://rewards.example.com/portal/redemptions\"", message.HtmlBody);
        // The participant's email is theirs: no link to the admin screens, nothing of the team's.
        Assert.DoesNotContain("/admin/", message.HtmlBody);
    }

    [SmtpFact]
    public async Task ARefusedRedemptionEmailsTheParticipantWhyAndWhatWasRefundedInTheProgramsCurrency()
    {
        await TellTheParticipantAsync();
        var participant = await factory.CreateParticipantAsync("Ada Lovelace", "ada@participants.test");
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Participants.Single(p => p.Id == participant.Id).CashBalanceMinor = 5_000;
            await db.SaveChangesAsync();
        }
        var cash = await factory.CreateRewardAsync(RewardType.Cash);
        var redemption = await factory.RedeemAsync(participant, cash);

        await Decisions.RefuseAsync(redemption.Id, "We cannot pay out to that account", "team@test");

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("ada@participants.test", message.To.Mailboxes.Single().Address);
        foreach (var body in Bodies(message))
            foreach (var expected in new[]
            {
                "Refused", "We cannot pay out to that account", "12.50 EUR", "back in your balance", "https://rewards.example.com/portal/redemptions",
            })
                Assert.Contains(expected, body);
    }

    [SmtpFact]
    public async Task TwoRulesThatMatchOneEventEmailEachPersonOnce()
    {
        var x = await factory.CreateUserAsync("x@team.test", Roles.TeamMember);
        var y = await factory.CreateUserAsync("y@team.test", Roles.TeamMember);
        var z = await factory.CreateUserAsync("z@team.test", Roles.TeamMember);
        await TellTheParticipantAsync("First", x, y);
        await TellTheParticipantAsync("Second", y, z);
        var participant = await factory.CreateParticipantAsync("Ada Lovelace", "ada@participants.test");
        var reward = await factory.CreateRewardAsync(RewardType.Custom);
        var redemption = await factory.RedeemAsync(participant, reward);

        await Decisions.FulfilAsync(redemption.Id, "Shipped", "team@test");

        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return db.Deliveries.Count(d => d.Status == Core.Deliveries.DeliveryStatus.Succeeded) == 2;
        }, what: "both deliveries to finish");
        await Task.Delay(500);
        var recipients = smtp.Messages().SelectMany(m => m.To.Mailboxes.Select(a => a.Address)).Order().ToList();
        Assert.Equal(["ada@participants.test", "x@team.test", "y@team.test", "z@team.test"], recipients);
    }
}
