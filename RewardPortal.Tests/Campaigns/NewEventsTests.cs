using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Campaigns;

/// <summary>
/// participant.updated, participant.status_changed, participant.added_to_campaign, points.adjusted and payout.created:
/// each written with its change (a change refused writes none) and delivered.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class NewEventsTests : WebhookEngineTest
{
    private static readonly string[] NewEvents =
    [
        EventTypes.ParticipantUpdated, EventTypes.ParticipantStatusChanged, EventTypes.ParticipantAddedToCampaign, EventTypes.PointsAdjusted,
        EventTypes.PayoutCreated,
    ];

    [Theory, MemberData(nameof(Providers))]
    public async Task EachNewEventIsDeliveredWithItsData(string provider)
    {
        Start(provider);
        await factory.CreateWebhookAsync(receiver.Url(), NewEvents);
        var participants = factory.Services.GetRequiredService<ParticipantService>();
        var ada = await factory.RichParticipantAsync("Ada");
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var cashReward = await factory.CreateCampaignRewardAsync("Gift money", [], [], RewardType.Cash);

        await participants.UpdateAsync(
            ada.Id, new NewParticipant { Name = "Ada King", Email = ada.Email, Address = ada.Address, CustomFields = ada.CustomFields }, CampaignScene.Actor);
        await participants.SetSuspendedAsync(ada.Id, true, CampaignScene.Actor);
        await participants.SetSuspendedAsync(ada.Id, false, CampaignScene.Actor);
        var users = factory.Services.GetRequiredService<UserAdministrationService>();
        var ownerId = await OwnerIdAsync();
        await users.CreateParticipantSignInAsync(ada.Id, "Participant-Passw0rd!", ownerId);
        await users.RevokeParticipantSignInAsync(ada.Id, ownerId);
        await factory.JoinAsync(spring, ada);
        await participants.AdjustBalanceAsync(ada.Id, Currency.Points, -300, "Credited twice by mistake", CampaignScene.Actor);
        var payout = await factory.RedeemThroughServiceAsync(ada, cashReward);
        await factory.Services.GetRequiredService<RedemptionDecisionService>().FulfilAsync(payout.Id, "Paid", CampaignScene.Actor);

        var bodies = (await receiver.WaitForAsync(8)).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal([1, 4, 1, 1, 1], NewEvents.Select(type => bodies.Count(b => b.GetProperty("type").GetString() == type)));
        JsonElement Data(string type) => bodies.First(b => b.GetProperty("type").GetString() == type).GetProperty("data");
        Assert.Equal(["name"], Data(EventTypes.ParticipantUpdated).GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("Ada King", Data(EventTypes.ParticipantUpdated).GetProperty("participant").GetProperty("name").GetString());
        Assert.Equal(["portal_access_granted", "portal_access_revoked", "reinstated", "suspended"],
            bodies.Where(b => b.GetProperty("type").GetString() == EventTypes.ParticipantStatusChanged)
                .Select(b => b.GetProperty("data").GetProperty("change").GetString() ?? "").Order(StringComparer.Ordinal));
        Assert.Equal(spring.Id, Data(EventTypes.ParticipantAddedToCampaign).GetProperty("campaign").GetProperty("id").GetInt64());
        Assert.Equal(-300, Data(EventTypes.PointsAdjusted).GetProperty("amount").GetInt64());
        Assert.Equal(payout.Id, Data(EventTypes.PayoutCreated).GetProperty("redemption").GetProperty("id").GetInt64());
        Assert.Equal("fulfilled", Data(EventTypes.PayoutCreated).GetProperty("redemption").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AChangeThatIsRefusedWritesNoEvent()
    {
        Start();
        await factory.CreateWebhookAsync(receiver.Url(), NewEvents);
        var participants = factory.Services.GetRequiredService<ParticipantService>();
        var ada = await factory.CreateParticipantAsync("Ada");
        var grace = await factory.CreateParticipantAsync("Grace");
        var spring = await factory.CreateCampaignAsync("Spring referral push");
        var pointsReward = await factory.CreateCampaignRewardAsync("Sticker", [], []);

        await Assert.ThrowsAsync<PortalException>(
            () => participants.AdjustBalanceAsync(ada.Id, Currency.Points, -1, "More than there is", CampaignScene.Actor));
        await Assert.ThrowsAsync<PortalException>(() => participants.UpdateAsync(ada.Id,
            new NewParticipant { Name = "Ada", Email = grace.Email, Address = ada.Address, CustomFields = ada.CustomFields }, CampaignScene.Actor));
        await Assert.ThrowsAsync<PortalException>(() => factory.Services.GetRequiredService<CampaignService>()
            .AddMembersAsync(spring.Id, [ada.Id, 999_999], CampaignScene.Actor));
        await participants.AdjustBalanceAsync(ada.Id, Currency.Points, 500, "Welcome", CampaignScene.Actor);
        var redemption = await factory.RedeemThroughServiceAsync(ada, pointsReward);
        await factory.Services.GetRequiredService<RedemptionDecisionService>().FulfilAsync(redemption.Id, null, CampaignScene.Actor);

        await using var db = await factory.CreateDbContextAsync();
        Assert.Empty(await db.Events.Where(e => NewEvents.Contains(e.Type)).Select(e => e.Type).ToListAsync());
        Assert.Empty(await db.CampaignMembers.ToListAsync());
        Assert.Empty(await db.Deliveries.ToListAsync());
    }

    private async Task<string> OwnerIdAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        return (await db.Users.SingleAsync(u => u.Email == PortalFactory.OwnerEmail)).Id;
    }
}
