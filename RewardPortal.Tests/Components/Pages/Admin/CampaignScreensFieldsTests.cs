using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Admin;
using RewardPortal.Web.Components.Pages.Campaigns;
using RewardPortal.Web.Components.Pages.Rewards;
using DeliveriesPage = RewardPortal.Web.Components.Pages.Admin.Deliveries;
using QueuePage = RewardPortal.Web.Components.Pages.Admin.Redemptions;

namespace RewardPortal.Tests.Components.Pages.Admin;

/// <summary>Campaigns where admins meet them outside the campaign pages: the reward and adjust dialogs, the queue's and the delivery log's filters.</summary>
public sealed class CampaignScreensFieldsTests : AdminComponentTest
{
    private Campaign spring = default!, loyalty = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var campaigns = Services.GetRequiredService<CampaignService>();
        spring = await campaigns.CreateAsync(new CampaignInput("Spring referral push", null, null, null), ActorEmail);
        loyalty = await campaigns.CreateAsync(new CampaignInput("Loyalty programme", null, null, null), ActorEmail);
    }

    [Fact]
    public async Task EditingARewardLimitedToACampaignKeepsItLimited()
    {
        var rewards = Services.GetRequiredService<RewardService>();
        var tote = await rewards.CreateAsync(new RewardInput { Name = "Spring tote bag", Cost = 300, CampaignIds = [spring.Id] }, ActorEmail);
        var dialog = await OpenDialogAsync(new DialogParameters<RewardDialog> { { d => d.RewardId, tote.Id } });
        dialog.WaitForAssertion(() => Assert.Contains("Spring referral push", dialog.Find("[data-testid=reward-campaigns]").OuterHtml));

        dialog.Find("[data-testid=reward-cost]").Change("350");
        dialog.Find("[data-testid=reward-save]").Click();

        await Wait.UntilAsync(async () => (await rewards.GetAsync(tote.Id)).Cost == 350);
        Assert.Equal([spring.Id], (await rewards.GetAsync(tote.Id)).Campaigns.Select(c => c.Id));
    }

    [Fact]
    public async Task ANewRewardIsLimitedToTheCampaignsPickedInTheDialog()
    {
        var dialog = await OpenDialogAsync<RewardDialog>();
        dialog.WaitForElement("[data-testid=reward-save]");
        Assert.Contains("Every participant sees and redeems it", FieldText(dialog, "reward-campaigns"));
        dialog.Find("[data-testid=reward-name-input]").Change("Loyal mug");
        dialog.Find("[data-testid=reward-cost]").Change("200");

        await ChooseAsync(dialog, "reward-campaigns", "Loyalty programme");
        dialog.Find("[data-testid=reward-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.Rewards.AnyAsync(r => r.Name == "Loyal mug");
        });
        await using var check = Database.CreateDbContext();
        Assert.Equal(
            ["Loyalty programme"], await check.Rewards.Where(r => r.Name == "Loyal mug").SelectMany(r => r.Campaigns.Select(c => c.Name)).ToListAsync());
    }

    [Fact]
    public async Task PointsAwardedInACampaignAreRecordedOnTheLedgerEntryAndFireForThatCampaign()
    {
        var ada = await Services.GetRequiredService<ParticipantService>().CreateAsync(
            new NewParticipant { Name = "Ada Lovelace", Email = "ada@example.com" }, ActorEmail);
        var dialog = await OpenDialogAsync(new DialogParameters<AdjustBalanceDialog> { { d => d.ParticipantId, ada.Id } });
        dialog.WaitForElement("[data-testid=adjust-save]");
        Assert.Contains("the ledger entry records it", FieldText(dialog, "adjust-campaign"));
        dialog.Find("[data-testid=adjust-amount]").Change("250");
        dialog.Find("[data-testid=adjust-reason]").Change("Referred a friend");

        await ChooseAsync(dialog, "adjust-campaign", "Spring referral push");
        dialog.Find("[data-testid=adjust-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.LedgerEntries.AnyAsync(e => e.Reason == "Referred a friend");
        });
        await using var check = Database.CreateDbContext();
        Assert.Equal(spring.Id, (await check.LedgerEntries.SingleAsync(e => e.Reason == "Referred a friend")).CampaignId);
        var awarded = await check.Events.SingleAsync(e => e.Type == EventTypes.PointsAwarded);
        Assert.Equal(spring.Id, awarded.CampaignId);
        Assert.Contains("\"campaign\":{\"id\":" + spring.Id, awarded.DataJson);
    }

    [Fact]
    public async Task ADebitOffersNoCampaign()
    {
        var ada = await Services.GetRequiredService<ParticipantService>().CreateAsync(
            new NewParticipant { Name = "Ada Lovelace", Email = "ada@example.com" }, ActorEmail);
        var dialog = await OpenDialogAsync(new DialogParameters<AdjustBalanceDialog> { { d => d.ParticipantId, ada.Id } });
        dialog.WaitForElement("[data-testid=adjust-campaign]");

        dialog.FindAll("[data-testid=adjust-direction] input")[1].Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=adjust-campaign]")));
    }

    [Fact]
    public async Task TheQueueFiltersByCampaignAndItsExportFollows()
    {
        await RedeemOneInEachCampaignAsync();
        var page = Render<QueuePage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=queue] tbody tr").Count));

        await ChooseAsync(page, "campaign-filter", "Spring referral push");

        page.WaitForAssertion(() => Assert.Equal(["Spring tote bag"], page.FindAll("[data-testid=queue] tbody tr").Select(r => r.Children[2].TextContent)));
        Assert.Contains($"campaignId={spring.Id}", page.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task TheDeliveryLogFiltersByCampaign()
    {
        var ada = await RedeemOneInEachCampaignAsync();
        await Services.GetRequiredService<ParticipantService>().AdjustBalanceAsync(ada.Id, Currency.Points, 10, "Referral", ActorEmail, loyalty.Id);
        var page = Render<DeliveriesPage>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=delivery-to]").Count));

        await ChooseAsync(page, "delivery-campaign", "Loyalty programme");

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-to]").Count));
        await using var db = Database.CreateDbContext();
        var mug = await db.Rewards.Where(r => r.Name == "Loyal mug").Select(r => r.Id).SingleAsync();
        var loyaltyRedemption = await db.Redemptions.Where(r => r.RewardId == mug).Select(r => r.Id).SingleAsync();
        Assert.Equal([$"#{loyaltyRedemption}"], page.FindAll("[data-testid=delivery-redemption]").Select(l => l.TextContent));
        Assert.Contains(EventTypes.PointsAwarded, page.Find("[data-testid=deliveries]").TextContent);
    }

    [Fact]
    public async Task TheLedgerNamesTheCampaignACreditWasAwardedIn()
    {
        var participants = Services.GetRequiredService<ParticipantService>();
        var ada = await participants.CreateAsync(new NewParticipant { Name = "Ada Lovelace", Email = "ada@example.com" }, ActorEmail);
        await participants.AdjustBalanceAsync(ada.Id, Currency.Points, 100, "Opening", ActorEmail);
        await participants.AdjustBalanceAsync(ada.Id, Currency.Points, 10, "Referral", ActorEmail, loyalty.Id);

        var grid = Render<LedgerGrid>(p => p.Add(g => g.ParticipantId, ada.Id));

        grid.WaitForAssertion(() => Assert.Equal(["Loyalty programme", ""], grid.FindAll("[data-testid=ledger-campaign]").Select(c => c.TextContent)));
    }

    [Fact]
    public async Task ACampaignsPageLinksToItsQueueAndItsDeliveriesWhichOpenFiltered()
    {
        await RedeemOneInEachCampaignAsync();
        var campaignPage = Render<CampaignDetailPage>(p => p.Add(c => c.Id, spring.Id));
        campaignPage.WaitForElement("[data-testid=campaign-redemptions]");
        var redemptionsLink = campaignPage.Find("[data-testid=campaign-redemptions]").GetAttribute("href")!;
        var deliveriesLink = campaignPage.Find("[data-testid=campaign-deliveries]").GetAttribute("href")!;
        Assert.Equal(($"/admin/redemptions?campaignId={spring.Id}", $"/admin/deliveries?campaignId={spring.Id}"), (redemptionsLink, deliveriesLink));

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo(redemptionsLink);
        var queue = Render<QueuePage>();
        queue.WaitForAssertion(() => Assert.Equal(["Spring tote bag"], queue.FindAll("[data-testid=queue] tbody tr").Select(r => r.Children[2].TextContent)));
        navigation.NavigateTo(deliveriesLink);
        var deliveries = Render<DeliveriesPage>();
        deliveries.WaitForAssertion(() => Assert.Single(deliveries.FindAll("[data-testid=delivery-to]")));
    }

    [Fact]
    public async Task ACampaignChosenOnTheQueueOutlivesARenderFromAbove()
    {
        await RedeemOneInEachCampaignAsync();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/admin/redemptions?campaignId={spring.Id}");
        var queue = Render<QueuePage>();
        queue.WaitForAssertion(() => Assert.Equal(["Spring tote bag"], queue.FindAll("[data-testid=queue] tbody tr").Select(r => r.Children[2].TextContent)));

        var campaign = queue.FindComponent<RewardPortal.Web.Components.Shared.CampaignSelect>();
        await queue.InvokeAsync(() => campaign.Instance.ValueChanged.InvokeAsync(loyalty.Id));
        queue.Render();

        // The link still says spring; the page says loyalty, and keeps saying it.
        queue.WaitForAssertion(() => Assert.Equal(["Loyal mug"], queue.FindAll("[data-testid=queue] tbody tr").Select(r => r.Children[2].TextContent)));
        Assert.Contains($"campaignId={loyalty.Id}", queue.Find("[data-testid=export-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task ACampaignChosenOnTheDeliveriesPageOutlivesARenderFromAbove()
    {
        await RedeemOneInEachCampaignAsync();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/admin/deliveries?campaignId={spring.Id}");
        var deliveries = Render<DeliveriesPage>();
        deliveries.WaitForAssertion(() => Assert.Single(deliveries.FindAll("[data-testid=delivery-to]")));

        var campaign = deliveries.FindComponent<RewardPortal.Web.Components.Shared.CampaignSelect>();
        await deliveries.InvokeAsync(() => campaign.Instance.ValueChanged.InvokeAsync(loyalty.Id));
        deliveries.Render();

        Assert.Equal(loyalty.Id, deliveries.FindComponent<RewardPortal.Web.Components.Shared.CampaignSelect>().Instance.Value);
    }

    /// <summary>
    /// A member of both campaigns redeems a reward of each and an unrestricted one; a webhook on all three rewards and on
    /// points awarded, created after the opening credit, has one delivery per redemption.
    /// </summary>
    private async Task<Participant> RedeemOneInEachCampaignAsync()
    {
        var participants = Services.GetRequiredService<ParticipantService>();
        var ada = await participants.CreateAsync(new NewParticipant { Name = "Ada Lovelace", Email = "ada@example.com" }, ActorEmail);
        await participants.AdjustBalanceAsync(ada.Id, Currency.Points, 10_000, "Opening", ActorEmail);
        var campaigns = Services.GetRequiredService<CampaignService>();
        await campaigns.AddMembersAsync(spring.Id, [ada.Id], ActorEmail);
        await campaigns.AddMembersAsync(loyalty.Id, [ada.Id], ActorEmail);
        long webhook;
        await using (var db = Database.CreateDbContext())
        {
            var notification = new Notification
            {
                Name = "Everything to the CRM", Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.RedemptionRequested, EventTypes.PointsAwarded],
                WebhookUrl = "https://crm.example.com/hooks", Secret = WebhookSecret.New(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            };
            db.Notifications.Add(notification);
            await db.SaveChangesAsync();
            webhook = notification.Id;
        }
        var rewards = Services.GetRequiredService<RewardService>();
        var redemptions = Services.GetRequiredService<RedemptionService>();
        foreach (var (name, campaign) in new[] { ("Spring tote bag", (Campaign?)spring), ("Loyal mug", loyalty), ("Water bottle", null) })
        {
            var reward = await rewards.CreateAsync(
                new RewardInput { Name = name, Cost = 100, WebhookIds = [webhook], CampaignIds = campaign is null ? [] : [campaign.Id] }, ActorEmail);
            await redemptions.RedeemAsync(new RedeemRequest(ada.Id, reward.Id), ActorEmail);
        }
        return ada;
    }

    private async Task ChooseAsync<T>(IRenderedComponent<T> component, string testId, string item) where T : Microsoft.AspNetCore.Components.IComponent
    {
        await component.WaitForElement($"[data-testid={testId}]").Closest(".mud-input-control")!.QuerySelector(".mud-input")!.MouseDownAsync(new());
        var option = Popovers.WaitForElements(".mud-list-item").First(i => i.TextContent.Trim() == item);
        await option.ClickAsync(new());
    }
}
