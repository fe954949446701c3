using System.Net;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Campaigns;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

/// <summary>campaignId on GET /redemptions, its CSV export and GET /deliveries: what belongs to that campaign.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class RedemptionCampaignFilterApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public RedemptionCampaignFilterApiTests() => api = factory.ApiClient();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task TheListAndTheExportKeepTheRedemptionsOfTheCampaignsRewards()
    {
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var loyalty = await factory.CreateCampaignAsync("Loyalty programme");
        var ada = await factory.RichParticipantAsync("Ada Lovelace");
        await factory.JoinAsync(spring, ada);
        await factory.JoinAsync(loyalty, ada);
        var tote = await factory.CreateCampaignRewardAsync("Spring tote bag", [spring], []);
        var both = await factory.CreateCampaignRewardAsync("Shared hoodie", [spring, loyalty], []);
        var mug = await factory.CreateCampaignRewardAsync("Loyal mug", [loyalty], []);
        var bottle = await factory.CreateCampaignRewardAsync("Water bottle", [], []);
        foreach (var reward in new[] { tote, both, mug, bottle })
            await factory.RedeemThroughServiceAsync(ada, reward);

        var listed = (await (await api.GetAsync($"/api/v1/redemptions?campaignId={spring.Id}")).JsonAsync())["data"]!.AsArray();
        var exported = (await api.GetStringAsync($"/api/v1/redemptions/export?campaignId={loyalty.Id}")).TrimEnd().Split("\r\n");

        Assert.Equal(["Spring tote bag", "Shared hoodie"], listed.Select(r => (string)r!["reward"]!["name"]!));
        Assert.Equal(3, exported.Length);
        Assert.Contains(",Shared hoodie,", exported[1]);
        Assert.Contains(",Loyal mug,", exported[2]);
    }

    [Fact]
    public async Task TheDeliveryLogKeepsTheDeliveriesOfTheCampaignsEvents()
    {
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var ada = await factory.RichParticipantAsync("Ada Lovelace");
        await factory.JoinAsync(spring, ada);
        // An email to the participant: no webhook receiver needed, and every reward's redemptions go to it.
        await factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput("Receipts", NotificationChannel.Email, [EventTypes.RedemptionRequested], [RewardType.Custom], [], null, true,
                NotifyParticipant: true),
            CampaignScene.Actor, isOwner: true));
        await factory.RedeemThroughServiceAsync(ada, await factory.CreateCampaignRewardAsync("Spring tote bag", [spring], []));
        await factory.RedeemThroughServiceAsync(ada, await factory.CreateCampaignRewardAsync("Water bottle", [], []));

        var all = (await (await api.GetAsync("/api/v1/deliveries")).JsonAsync())["data"]!.AsArray();
        var inSpring = (await (await api.GetAsync($"/api/v1/deliveries?campaignId={spring.Id}")).JsonAsync())["data"]!.AsArray();

        Assert.Equal(2, all.Count);
        Assert.Equal([(long)all[0]!["id"]!], inSpring.Select(d => (long)d!["id"]!));
    }

    [Theory]
    [InlineData("/api/v1/deliveries?campaignId=999")]
    [InlineData("/api/v1/redemptions?campaignId=999")]
    [InlineData("/api/v1/redemptions?campaignId=spring")]
    [InlineData("/api/v1/redemptions/export?campaignId=999")]
    public async Task ACampaignThatDoesNotExistIsAProblemNamingTheField(string url) =>
        await (await api.GetAsync(url)).AssertProblemAsync(422, "campaignId");
}
