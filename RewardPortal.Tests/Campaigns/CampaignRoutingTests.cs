using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Campaigns;

/// <summary>"In campaign(s)" on notifications, and rewards limited to campaigns, on SQLite and on PostgreSQL.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class CampaignRoutingTests : WebhookEngineTest
{
    [Theory, MemberData(nameof(Providers))]
    public async Task ANotificationForCampaignAGetsAsRedemptionsAndNotBsAndAllGetsEveryOne(string provider)
    {
        Start(provider);
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var loyalty = await factory.CreateCampaignAsync("Loyalty programme");
        var forSpring = await factory.CreateCampaignWebhookAsync(receiver.Url("spring"), "Spring team", [spring], EventTypes.RedemptionRequested);
        var forLoyalty = await factory.CreateCampaignWebhookAsync(receiver.Url("loyalty"), "Loyalty team", [loyalty], EventTypes.RedemptionRequested);
        var forAll = await factory.CreateCampaignWebhookAsync(receiver.Url("all"), "Everything", [], EventTypes.RedemptionRequested);
        long[] webhooks = [forSpring.Id, forLoyalty.Id, forAll.Id];
        var springReward = await factory.CreateCampaignRewardAsync("Spring hoodie", [spring], webhooks);
        var loyaltyReward = await factory.CreateCampaignRewardAsync("Loyalty mug", [loyalty], webhooks);
        var everyonesReward = await factory.CreateCampaignRewardAsync("Sticker", [], webhooks);
        var ada = await factory.RichParticipantAsync("Ada");
        await factory.JoinAsync(spring, ada);
        await factory.JoinAsync(loyalty, ada);

        var springRedemption = await factory.RedeemThroughServiceAsync(ada, springReward);
        var loyaltyRedemption = await factory.RedeemThroughServiceAsync(ada, loyaltyReward);
        var everyonesRedemption = await factory.RedeemThroughServiceAsync(ada, everyonesReward);

        Assert.Equal([springRedemption.Id], await RedemptionsDeliveredToAsync(forSpring.Id));
        Assert.Equal([loyaltyRedemption.Id], await RedemptionsDeliveredToAsync(forLoyalty.Id));
        Assert.Equal([springRedemption.Id, loyaltyRedemption.Id, everyonesRedemption.Id], await RedemptionsDeliveredToAsync(forAll.Id));
        var arrived = await receiver.WaitForAsync(5);
        Assert.Equal(3, arrived.Count(r => r.Path.EndsWith("/all", StringComparison.Ordinal)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task PointsAwardedInACampaignReachThatCampaignsNotificationsAndTheLedgerEntryRecordsIt(string provider)
    {
        Start(provider);
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var loyalty = await factory.CreateCampaignAsync("Loyalty programme");
        var forSpring = await factory.CreateCampaignWebhookAsync(receiver.Url("spring"), "Spring team", [spring], EventTypes.PointsAwarded);
        var forLoyalty = await factory.CreateCampaignWebhookAsync(receiver.Url("loyalty"), "Loyalty team", [loyalty], EventTypes.PointsAwarded);
        var ada = await factory.CreateParticipantAsync("Ada");

        var entry = await factory.Services.GetRequiredService<ParticipantService>()
            .AdjustBalanceAsync(ada.Id, Currency.Points, 250, "Referred a friend", CampaignScene.Actor, spring.Id);

        Assert.Equal(spring.Id, entry.CampaignId);
        await using (var db = await factory.CreateDbContextAsync())
            Assert.Equal(spring.Id, (await db.LedgerEntries.SingleAsync(e => e.Id == entry.Id)).CampaignId);
        Assert.Single(await factory.DeliveriesAsync(forSpring.Id));
        Assert.Empty(await factory.DeliveriesAsync(forLoyalty.Id));
        var request = Assert.Single(await receiver.WaitForAsync(1));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("Spring referral push", body.RootElement.GetProperty("data").GetProperty("campaign").GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ARewardLimitedToACampaignIsInvisibleAndRefusedToParticipantsOutsideIt(string provider)
    {
        Start(provider);
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var restricted = await factory.CreateCampaignRewardAsync("Spring hoodie", [spring], []);
        var open = await factory.CreateCampaignRewardAsync("Sticker", [], []);
        var member = await factory.RichParticipantAsync("Member");
        var outsider = await factory.RichParticipantAsync("Outsider");
        await factory.JoinAsync(spring, member);
        var portal = factory.Services.GetRequiredService<PortalQueries>();

        Assert.Equal(["Sticker"], (await portal.CatalogueAsync(outsider.Id)).Select(i => i.Name));
        Assert.Equal(["Spring hoodie", "Sticker"], (await portal.CatalogueAsync(member.Id)).Select(i => i.Name).Order());
        var refused = await Assert.ThrowsAsync<PortalException>(() => factory.RedeemThroughServiceAsync(outsider, restricted));
        Assert.Equal(RedemptionErrors.RewardRestricted, refused.Code);
        await factory.RedeemThroughServiceAsync(member, restricted);
        await factory.RedeemThroughServiceAsync(outsider, open);
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(0, await db.Redemptions.CountAsync(r => r.ParticipantId == outsider.Id && r.RewardId == restricted.Id));

        // Once its only campaign has ended, the reward is gone for its members too, from the page and from a redemption.
        await factory.Services.GetRequiredService<CampaignService>().UpdateAsync(
            spring.Id, new CampaignInput(spring.Name, spring.Description, null, null, Active: false), CampaignScene.Actor);
        Assert.Equal(["Sticker"], (await portal.CatalogueAsync(member.Id)).Select(i => i.Name));
        refused = await Assert.ThrowsAsync<PortalException>(() => factory.RedeemThroughServiceAsync(member, restricted));
        Assert.Equal(RedemptionErrors.RewardRestricted, refused.Code);
    }

    private async Task<List<long>> RedemptionsDeliveredToAsync(long notificationId)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Deliveries.Where(d => d.NotificationId == notificationId).OrderBy(d => d.Id)
            .Select(d => d.Event!.RedemptionId!.Value).ToListAsync();
    }
}
