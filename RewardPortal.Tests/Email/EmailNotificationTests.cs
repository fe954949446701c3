using MimeKit;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Email;

/// <summary>Fulfilment emails through MailKit into a real SMTP server (aiosmtpd), read back with MimeKit.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class EmailNotificationTests() : SmtpAppTest(new() { ["Email:PublicBaseUrl"] = "https://rewards.example.com/" })
{
    [SmtpFact]
    public async Task TheFulfilmentEmailCarriesTheParticipantTheRewardAndALinkToTheRedemption()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var admin = await factory.CreateUserAsync("admin@team.test", Roles.Admin);
        await factory.CreateEmailNotificationAsync([team, admin], RewardType.VoucherCode);
        var participant = await factory.CreateParticipantAsync("Ada <Lovelace>", "ada@participants.test");
        var reward = await factory.CreateRewardAsync(RewardType.VoucherCode);

        var redemption = await factory.RedeemAsync(participant, reward, voucherCode: "COFFEE-0042");

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal(["admin@team.test", "fulfilment@team.test"], message.To.Mailboxes.Select(m => m.Address).Order());
        Assert.Equal("rewards@localhost", message.From.Mailboxes.Single().Address);
        Assert.Contains($"#{redemption.Id}", message.Subject);
        Assert.NotNull(message.HtmlBody);
        Assert.NotNull(message.TextBody);
        var link = $"https://rewards.example.com/admin/redemptions/{redemption.Id}";
        foreach (var body in new[] { message.TextBody, System.Net.WebUtility.HtmlDecode(message.HtmlBody) })
        {
            foreach (var expected in new[]
            {
                "Ada <Lovelace>", "ada@participants.test", "12 St James's Square", "Flat <2>", "London SW1Y 4JH", "GB",
                "T-shirt size", "M", "Team", "R&D <Engines>",
                reward.Name, "Voucher code", "500 points", "A warm hoodie & a <b>logo</b>.", "COFFEE-0042", "sku", "HOOD-001", "vendor", "Print shop",
                link,
            })
                Assert.Contains(expected, body);
        }
        // What users typed is encoded in the HTML, never markup.
        Assert.Contains("Ada &lt;Lovelace&gt;", message.HtmlBody);
        Assert.Contains("A warm hoodie &amp; a &lt;b&gt;logo&lt;/b&gt;.", message.HtmlBody);
        Assert.Contains($"href=\"{link}\"", message.HtmlBody);
    }

    [SmtpFact]
    public async Task AWrittenEmailArrivesWithTheTemplatesSubjectAndBodyAndAPlainTextPart()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var notification = await factory.CreateEmailNotificationAsync([team], RewardType.VoucherCode);
        await factory.WithServiceAsync<bool, Core.Email.Templates.EmailTemplateService>(async s =>
        {
            await s.SaveAsync(notification.Id, Core.Email.Templates.EmailAudienceKind.Team, new Core.Email.Templates.EmailTemplate(
                "Send {{ reward.name }} to {{ participant.name }}",
                "<h2>Voucher {{ redemption.voucher_code }}</h2>\n<p>For {{ participant.name }}</p>\n<p><a href=\"{{ links.redemption }}\">Open it</a></p>"),
                    "test");
            return true;
        });
        var participant = await factory.CreateParticipantAsync("Ada <script>\"x\"</script>", "ada@participants.test");
        var reward = await factory.CreateRewardAsync(RewardType.VoucherCode);

        var redemption = await factory.RedeemAsync(participant, reward, voucherCode: "COFFEE-0042");

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal($"Send {reward.Name} to Ada <script>\"x\"</script>", message.Subject);
        Assert.Contains("<h2>Voucher COFFEE-0042</h2>", message.HtmlBody);
        Assert.Contains("<p>For Ada &lt;script&gt;&quot;x&quot;&lt;/script&gt;</p>", message.HtmlBody);
        Assert.DoesNotContain("<script>", message.HtmlBody);
        var text = message.BodyParts.OfType<TextPart>().Single(p => p.IsPlain);
        Assert.Equal($"Voucher COFFEE-0042\n\nFor Ada <script>\"x\"</script>\n\nOpen it: https://rewards.example.com/admin/redemptions/{redemption.Id}\n",
            text.Text.Replace("\r\n", "\n"));
    }

    [SmtpFact]
    public async Task AnEmailNotificationFilteredToCustomRewardsSendsNothingForAVoucherRedemption()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var custom = await factory.CreateEmailNotificationAsync([team], RewardType.Custom);
        var participant = await factory.CreateParticipantAsync();

        await factory.RedeemAsync(participant, await factory.CreateRewardAsync(RewardType.VoucherCode), "CODE-1");
        await factory.RedeemAsync(participant, await factory.CreateRewardAsync(RewardType.Custom));

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Contains("Custom", message.TextBody);
        await Task.Delay(300);
        Assert.Single(smtp.Messages());
        Assert.Single(await factory.DeliveriesAsync(custom.Id));
    }

    [SmtpFact]
    public async Task DisabledTeamMembersReceiveNothing()
    {
        var active = await factory.CreateUserAsync("active@team.test", Roles.TeamMember);
        var leaving = await factory.CreateUserAsync("leaving@team.test", Roles.TeamMember);
        await factory.CreateEmailNotificationAsync([active, leaving]);
        await using (var db = await factory.CreateDbContextAsync())
        {
            (await db.Users.FindAsync(leaving))!.IsDisabled = true;
            await db.SaveChangesAsync();
        }

        await factory.RedeemAsync(await factory.CreateParticipantAsync(), await factory.CreateRewardAsync(RewardType.Custom));

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("active@team.test", message.To.Mailboxes.Single().Address);
    }

    [SmtpFact]
    public async Task ABurstOfEmailsAllArriveAndEachDeliveryIsRecorded()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var notification = await factory.CreateEmailNotificationAsync([team]);
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.Custom);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => factory.RedeemAsync(participant, reward)));

        Assert.Equal(30, (await smtp.WaitForAsync(30)).Select(m => m.MessageId).Distinct().Count());
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(notification.Id)).All(d => d.Status == DeliveryStatus.Succeeded));
    }

    [SmtpFact]
    public async Task WhenTheSmtpServerIsDownEmailsAreRetriedAndArriveOnceItIsBack()
    {
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var notification = await factory.CreateEmailNotificationAsync([team]);
        await smtp.StopAsync();

        await factory.RedeemAsync(await factory.CreateParticipantAsync(), await factory.CreateRewardAsync(RewardType.Custom));
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(notification.Id)).Single().Attempts.Count >= 2,
            what: "two failed attempts");
        await smtp.StartAsync();

        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("fulfilment@team.test", message.To.Mailboxes.Single().Address);
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(notification.Id)).Single().Status == DeliveryStatus.Succeeded);
        var attempts = (await factory.DeliveriesAsync(notification.Id)).Single().Attempts.OrderBy(a => a.Id).ToList();
        Assert.All(attempts.SkipLast(1), a => Assert.StartsWith("SMTP:", a.Error));
        Assert.True(attempts[^1].Succeeded);
    }

    [SmtpFact]
    public async Task WhenAWebhookFailsForGoodTheOwnerIsEmailedThroughSmtp()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _) => new Reply(500, "down");
        await factory.CreateWebhookAsync(receiver.Url(), Core.Events.EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();

        var alert = Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal(PortalFactory.OwnerEmail, alert.To.Mailboxes.Single().Address);
        Assert.Contains("Deliveries failing", alert.Subject);
        Assert.Contains("HTTP 500", alert.TextBody);
    }
}
