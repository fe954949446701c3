using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Campaigns;

/// <summary>Campaigns, rewards, members and notifications made through the real services of a hosted app.</summary>
internal static class CampaignScene
{
    public const string Actor = "admin@test.local";

    public static Task<Campaign> CreateCampaignAsync(this PortalFactory factory, string name) =>
        factory.Services.GetRequiredService<CampaignService>().CreateAsync(new CampaignInput(name, $"The {name} campaign", null, null), Actor);

    public static Task<int> JoinAsync(this PortalFactory factory, Campaign campaign, params Participant[] participants) =>
        factory.Services.GetRequiredService<CampaignService>().AddMembersAsync(campaign.Id, participants.Select(p => p.Id).ToList(), Actor);

    public static Task<Reward> CreateCampaignRewardAsync(this PortalFactory factory, string name, Campaign[] campaigns, long[] webhookIds,
        RewardType type = RewardType.Custom) =>
        factory.Services.GetRequiredService<RewardService>().CreateAsync(new RewardInput
        {
            Name = name, Type = type, CostCurrency = type == RewardType.Cash ? Currency.Cash : Currency.Points, Cost = 100,
            WebhookIds = webhookIds, CampaignIds = campaigns.Select(c => c.Id).ToList(),
        }, Actor);

    public static async Task<Participant> RichParticipantAsync(this PortalFactory factory, string name)
    {
        var participant = await factory.CreateParticipantAsync(name);
        var service = factory.Services.GetRequiredService<ParticipantService>();
        await service.AdjustBalanceAsync(participant.Id, Currency.Points, 10_000, "Test credit", Actor);
        await service.AdjustBalanceAsync(participant.Id, Currency.Cash, 10_000, "Test credit", Actor);
        return participant;
    }

    public static Task<CreatedNotification> CreateCampaignWebhookAsync(
        this PortalFactory factory, string url, string name, Campaign[] campaigns, params string[] events) =>
        factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput(name, NotificationChannel.Webhook, events, [], [], url, true, CampaignIds: campaigns.Select(c => c.Id).ToList()),
            Actor, isOwner: true));

    public static async Task<Redemption> RedeemThroughServiceAsync(this PortalFactory factory, Participant participant, Reward reward) =>
        (await factory.Services.GetRequiredService<RedemptionService>().RedeemAsync(new RedeemRequest(participant.Id, reward.Id), Actor)).Redemption;
}
