using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>
/// The whole journey in a real browser, with a real SMTP server and a real webhook receiver: the Owner sets up an email
/// and a webhook, a participant redeems, the team is told and fulfils, and the participant sees the answer.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class JourneyTests
{
    [BrowserFact]
    public async Task FromSetupToFulfilmentEveryoneSeesWhatTheyShould()
    {
        if (SmtpServerFixture.MissingReason is { } missing)
            throw new InvalidOperationException(missing);
        var smtp = new SmtpServerFixture();
        await smtp.InitializeAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new PortalFactory(smtp.Settings());
        var address = factory.StartOnRealPort();
        await factory.CreateUserAsync("tina@test.local", Roles.TeamMember);
        var participantUser = await factory.CreateUserAsync("pat@test.local", Roles.Participant, points: 2_000);
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RewardService>().CreateAsync(new RewardInput
            {
                Name = "Team hoodie", Description = "Warm and blue", Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 500,
                Metadata = new Dictionary<string, string> { ["sku"] = "HOOD-BLUE-L" },
            }, "test");
        await using var browser = await BrowserSession.StartAsync(address);

        // The Owner adds an email notification for custom rewards, and a webhook.
        var owner = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(owner, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        await Ui.GotoAsync(owner, "/settings/notifications");
        await owner.GetByTestId("add-notification").ClickAsync();
        await owner.GetByTestId("notification-name").FillAsync("Custom rewards to Tina");
        await Ui.ChooseAsync(owner, "Redemption type", "Custom");
        await Ui.ChooseAsync(owner, "Team members", "tina");
        await BrowserSession.ScreenshotAsync(owner, "notification-dialog");
        await owner.GetByTestId("save").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("notifications")).ToContainTextAsync("tina");

        await owner.GetByTestId("add-notification").ClickAsync();
        await owner.GetByText("Webhook", new() { Exact = true }).ClickAsync();
        await owner.GetByTestId("notification-name").FillAsync("Fulfilment system");
        await Ui.FillAsync(owner, "Webhook URL", receiver.Url());
        await BrowserSession.ScreenshotAsync(owner, "notification-dialog-webhook");
        await owner.GetByTestId("save").ClickAsync();
        var secret = await owner.Locator("[data-testid=webhook-secret] input, input[data-testid=webhook-secret]").First.InputValueAsync();
        Assert.StartsWith("whsec_", secret);
        await owner.GetByTestId("done").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("notifications")).ToContainTextAsync(receiver.Url());
        await BrowserSession.ScreenshotAsync(owner, "notifications");

        // ... and assigns the webhook to the reward in Portal > Redeem > Rewards.
        await Ui.GotoAsync(owner, "/admin/rewards");
        await owner.GetByTestId("edit-reward").First.ClickAsync();
        await owner.GetByTestId("reward-save").WaitForAsync();
        await Ui.ChooseAsync(owner, "Webhook", "Fulfilment system");
        await BrowserSession.ScreenshotAsync(owner, "reward-dialog");
        await owner.GetByTestId("reward-save").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("rewards")).ToContainTextAsync("Fulfilment system");
        await BrowserSession.ScreenshotAsync(owner, "rewards");

        // A participant redeems it and sees it requested.
        var participant = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(participant, "pat@test.local", TestUsers.Password);
        await Ui.GotoAsync(participant, "/portal/redeem");
        await participant.GetByTestId("redeem").First.ClickAsync();
        await participant.GetByTestId("confirm-redeem").ClickAsync();
        await Assertions.Expect(participant.GetByTestId("redeem-result")).ToContainTextAsync("our team will fulfil it");
        await participant.GetByTestId("close-redeem").ClickAsync();
        await Ui.GotoAsync(participant, "/portal/redemptions");
        await Assertions.Expect(participant.GetByTestId("status").First).ToHaveTextAsync("Requested");

        // The team member's email and the webhook arrive, with everything the fulfilment needs.
        var email = (await smtp.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single();
        Assert.Contains("tina@test.local", email.To.ToString());
        Assert.Contains("pat@test.local", email.TextBody);
        Assert.Contains("HOOD-BLUE-L", email.TextBody);
        var webhook = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single();
        Assert.True(StandardWebhooks.Verify(secret, webhook), "The webhook's signature must verify with the token shown.");
        Assert.Contains("\"redemption.requested\"", webhook.Text);
        Assert.Contains("HOOD-BLUE-L", webhook.Text);

        // The team member fulfils it with a message.
        var team = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(team, "tina@test.local", TestUsers.Password);
        await Ui.GotoAsync(team, "/admin/redemptions");
        await team.GetByTestId("queue").GetByText("Team hoodie").ClickAsync();
        await team.GetByTestId("fulfil").ClickAsync();
        await team.Locator("textarea").First.FillAsync("Posted today, tracking 1Z999");
        await BrowserSession.ScreenshotAsync(team, "fulfil-dialog");
        await team.GetByTestId("decision-submit").ClickAsync();
        await Assertions.Expect(team.GetByTestId("history")).ToContainTextAsync("Posted today");
        await BrowserSession.ScreenshotAsync(team, "redemption-detail");

        // The participant sees the message.
        await Ui.GotoAsync(participant, "/portal/redemptions");
        await Assertions.Expect(participant.GetByTestId("team-message").First).ToContainTextAsync("Posted today, tracking 1Z999");
        await BrowserSession.ScreenshotAsync(participant, "my-redemptions-fulfilled");

        // The Deliveries page shows both deliveries of the request succeeded.
        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.Deliveries.CountAsync(d => d.Status == Core.Deliveries.DeliveryStatus.Succeeded) >= 2;
        }, TimeSpan.FromSeconds(20), "both deliveries to succeed");
        await Ui.GotoAsync(owner, "/admin/deliveries");
        await Assertions.Expect(
            owner.GetByTestId("delivery-status-chip").Filter(new() { HasText = "Delivered" })).ToHaveCountAsync(await SucceededAsync(factory));
        await BrowserSession.ScreenshotAsync(owner, "deliveries");
        _ = participantUser;
        await smtp.DisposeAsync();
    }

    private static async Task<int> SucceededAsync(PortalFactory factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Deliveries.CountAsync(d => d.Status == Core.Deliveries.DeliveryStatus.Succeeded);
    }

    [BrowserFact]
    public async Task AnAdminSeesWebhooksButCannotCreateOne()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var admin = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(admin, "admin@example.com", Core.Seeding.DemoSeeder.DemoPassword);

        await Ui.GotoAsync(admin, "/settings/notifications");
        await Assertions.Expect(admin.GetByTestId("notifications")).ToContainTextAsync("fulfilment.example.com");
        await Assertions.Expect(admin.GetByTestId("token")).ToHaveCountAsync(0);
        await admin.GetByTestId("add-notification").ClickAsync();

        await Assertions.Expect(admin.Locator(".mud-radio:has-text('Webhook') input")).ToBeDisabledAsync();
        await Ui.GotoAsync(admin, "/settings/api-keys");
        Assert.Contains("/account/access-denied", admin.Url);
    }
}
