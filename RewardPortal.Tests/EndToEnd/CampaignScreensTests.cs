using Microsoft.Playwright;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>
/// Campaigns on the demo data, at desk and phone width: the campaign pages, In campaign(s) in the Add notification dialog,
/// a reward limited to a campaign, the queue's campaign filter, and the Redeem page for a member and an outsider.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class CampaignScreensTests
{
    [BrowserFact]
    public async Task AnAdminFindsTheDemoCampaignsTheirMembersAndInCampaignsOnANotification()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var suffix = phone ? "-phone" : "";
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);

            await Ui.GotoAsync(page, "/admin/campaigns");
            await Assertions.Expect(page.GetByTestId("campaign-link")).ToHaveCountAsync(2);
            await BrowserSession.ScreenshotAsync(page, "campaigns" + suffix);
            await page.GetByTestId("campaign-link").Filter(new() { HasText = "Spring referral push" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("campaign-title")).ToHaveTextAsync("Spring referral push");
            await Assertions.Expect(page.GetByTestId("members")).ToContainTextAsync("Grace Hopper");
            await Assertions.Expect(page.GetByTestId("campaign-rewards")).ToContainTextAsync("Spring tote bag");
            await BrowserSession.ScreenshotAsync(page, "campaign-detail" + suffix);
            // Its redemptions: the queue, filtered to the campaign.
            await page.GetByTestId("campaign-redemptions").ClickAsync();
            await Assertions.Expect(page.GetByTestId("campaign-filter")).ToHaveValueAsync("Spring referral push");
            await Assertions.Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("campaignId="));
            await BrowserSession.ScreenshotAsync(page, "campaign-redemptions" + suffix);

            await Ui.GotoAsync(page, "/settings/notifications");
            await page.GetByTestId("add-notification").ClickAsync();
            await Assertions.Expect(page.GetByTestId("in-campaigns")).ToBeVisibleAsync();
            var name = "Loyalty redemptions to the team" + suffix;
            await page.GetByTestId("notification-name").FillAsync(name);
            await Ui.ChooseAsync(page, "In campaign(s)", "Loyalty programme");
            await Ui.ChooseAsync(page, "Redemption type", "Custom");
            await Ui.ChooseAsync(page, "Team members", "Taylor");
            await Assertions.Expect(page.Locator(".mud-input-control:has([data-testid=in-campaigns])")).ToContainTextAsync("Only events of these campaigns");
            await BrowserSession.ScreenshotAsync(page, "notification-dialog-campaigns" + suffix);
            await page.GetByTestId("save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("notifications")).ToContainTextAsync(name);

            if (phone)
                continue;
            // A reward limited to a campaign, and the queue filtered by one.
            await Ui.GotoAsync(page, "/admin/rewards");
            await page.GetByTestId("rewards").Locator("tr", new() { HasText = "Spring tote bag" }).GetByTestId("edit-reward").ClickAsync();
            await Assertions.Expect(
                page.Locator(".mud-input-control:has([data-testid=reward-campaigns])")).ToContainTextAsync("Only members of these campaigns");
            await BrowserSession.ScreenshotAsync(page, "reward-dialog-campaigns");
            await page.Keyboard.PressAsync("Escape");
            await Ui.GotoAsync(page, "/admin/redemptions");
            await Ui.ChooseAsync(page, "Campaign", "Spring referral push");
            await Assertions.Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("campaignId="));
            await BrowserSession.ScreenshotAsync(page, "redemptions-campaign-filter");
        }
    }

    [BrowserFact]
    public async Task AParticipantOutsideACampaignDoesNotSeeItsRewardAndAMemberRedeemsIt()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await factory.CreateUserAsync("pat@test.local", Roles.Participant, points: 2_000);
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var suffix = phone ? "-phone" : "";
            var outsider = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(outsider, "pat@test.local", TestUsers.Password);
            await Ui.GotoAsync(outsider, "/portal/redeem");
            await Assertions.Expect(outsider.GetByTestId("reward-card").Filter(new() { HasText = "Branded hoodie" })).ToHaveCountAsync(1);
            await Assertions.Expect(outsider.GetByTestId("reward-card").Filter(new() { HasText = "Spring tote bag" })).ToHaveCountAsync(0);
            await Assertions.Expect(outsider.GetByTestId("reward-card").Filter(new() { HasText = "Loyalty mug" })).ToHaveCountAsync(0);
            await BrowserSession.ScreenshotAsync(outsider, "redeem-outside-campaigns" + suffix);

            var member = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(member, "ada@example.com", DemoSeeder.DemoPassword);
            await Ui.GotoAsync(member, "/portal/redeem");
            var tote = member.GetByTestId("reward-card").Filter(new() { HasText = "Spring tote bag" });
            await Assertions.Expect(tote).ToHaveCountAsync(1);
            await Assertions.Expect(member.GetByTestId("reward-card").Filter(new() { HasText = "Loyalty mug" })).ToHaveCountAsync(1);
            await BrowserSession.ScreenshotAsync(member, "redeem-campaign-member" + suffix);
            await tote.GetByTestId("redeem").ClickAsync();
            await member.GetByTestId("confirm-redeem").ClickAsync();
            await Assertions.Expect(member.GetByTestId("redeem-result")).ToContainTextAsync("our team will fulfil it");
            await member.GetByTestId("close-redeem").ClickAsync();
        }
    }
}
