using Microsoft.Playwright;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class EmailTemplateScreenTests
{
    [BrowserFact]
    public async Task AnAdminWritesTheEmailWithAPreviewOfTheNewestRedemptionOnALaptopAndAPhone()
    {
        using var factory = new PortalFactory();
        var address = factory.StartOnRealPort();
        var team = await factory.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        await factory.CreateUserAsync("admin@team.test", Roles.Admin);
        var notification = await factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput(
                "Fulfilment team", NotificationChannel.Email, [EventTypes.RedemptionRequested], Enum.GetValues<RewardType>(), [team], null, true,
                NotifyParticipant: true),
            "test", isOwner: true));
        var participant = await factory.CreateParticipantAsync("Ada <b>Lovelace</b>");
        var redemption = await factory.RedeemAsync(participant, await factory.CreateRewardAsync(RewardType.VoucherCode), voucherCode: "COFFEE-0042");
        await using var browser = await BrowserSession.StartAsync(address);

        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(
                page, phone ? "admin@team.test" : PortalFactory.OwnerEmail, phone ? TestUsers.Password : PortalFactory.OwnerPassword);
            await Ui.GotoAsync(page, "/settings/notifications");
            await page.GetByTestId("edit-email").First.ClickAsync();
            await page.WaitForURLAsync($"**/settings/notifications/{notification.Id}/email");

            await Assertions.Expect(page.GetByTestId("preview-source")).ToContainTextAsync($"Redemption #{redemption.Id}", new() { Timeout = 30_000 });
            var frame = page.GetByTestId("preview-html");
            Assert.Equal("", await frame.GetAttributeAsync("sandbox"));
            // The participant's name is text in the email, never markup: no <b> element inside the frame.
            await Assertions.Expect(
                page.FrameLocator("[data-testid=preview-html]").Locator("h2")).ToContainTextAsync(phone ? "Voucher COFFEE-0042" : "Reward Redemption");
            Assert.Equal(0, await page.FrameLocator("[data-testid=preview-html]").Locator("td b").CountAsync());
            await Assertions.Expect(page.FrameLocator("[data-testid=preview-html]").Locator("body")).ToContainTextAsync("Ada <b>Lovelace</b>");

            if (!phone)
            {
                await Ui.FillAsync(page, "Subject", "Please send {{ reward.name }} to {{ participant.name }}");
                await Ui.FillAsync(page, "HTML body", "<h2>Voucher {{ redemption.voucher_code }}</h2>\n<p>For {{ participant.nmae }}</p>");
                await page.GetByTestId("save-template").ClickAsync();
                await Assertions.Expect(page.GetByTestId("template-errors")).ToContainTextAsync("Line 2: {{ participant.nmae }} is not a placeholder.");
                await Ui.FillAsync(
                    page, "HTML body",
                    "<h2>Voucher {{ redemption.voucher_code }}</h2>\n<p>For {{ participant.name }}</p>\n<p><a href=\"{{ links.redemption }}\">Open it</a></p>");
                await Assertions.Expect(page.FrameLocator("[data-testid=preview-html]").Locator("h2")).ToHaveTextAsync("Voucher COFFEE-0042");
                await page.GetByTestId("save-template").ClickAsync();
                await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Saved");
                await Assertions.Expect(page.GetByTestId("template-state")).ToHaveTextAsync("Written for this notification");
                await Assertions.Expect(page.GetByTestId("preview-subject")).ToHaveTextAsync(
                    $"Please send {await RewardNameAsync(factory)} to Ada <b>Lovelace</b>");
                await page.GetByRole(AriaRole.Tab, new() { Name = "Plain text" }).ClickAsync();
                await Assertions.Expect(page.GetByTestId("preview-text")).ToContainTextAsync(
                    $"Open it: {address.ToString().TrimEnd('/')}/admin/redemptions/{redemption.Id}");
                await page.GetByRole(AriaRole.Tab, new() { Name = "HTML" }).ClickAsync();
            }
            else
            {
                await Assertions.Expect(page.GetByTestId("template-state")).ToHaveTextAsync("Written for this notification");
                await page.GetByTestId("placeholders").ClickAsync();
            }
            if (phone)
            {
                // A full-page capture leaves an iframe below the first screen blank: capture the preview in view as well.
                await frame.ScrollIntoViewIfNeededAsync();
                await frame.ScreenshotAsync(
                    new LocatorScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", "phone-email-preview.png") });
            }
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-email-template" : "email-template");
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= (phone ? 390 : 1366), $"The editor scrolls sideways: {width}px wide.");
        }
    }

    private static async Task<string> RewardNameAsync(PortalFactory factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return db.Rewards.Single().Name;
    }
}
