using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Notifications;

/// <summary>
/// Every enabled notification, and which rewards are limited to campaigns, as of one value of the change counter
/// (<see cref="NotificationMatcherTriggers"/>): what events are matched with, kept by <see cref="NotificationMatcherCache"/>.
/// </summary>
public sealed class NotificationMatcher
{
    private readonly List<NotificationTarget> targets;
    private readonly Dictionary<long, long[]> rewardCampaigns;

    private NotificationMatcher(long? version, List<NotificationTarget> targets, Dictionary<long, long[]> rewardCampaigns) =>
        (Version, this.targets, this.rewardCampaigns) = (version, targets, rewardCampaigns);

    /// <summary>The change counter this was read at; null where the database has none.</summary>
    public long? Version { get; }

    /// <summary>The campaigns a reward is limited to; none: it is for everyone.</summary>
    public IReadOnlyCollection<long> CampaignsOf(long rewardId) => rewardCampaigns.TryGetValue(rewardId, out var ids) ? ids : [];

    /// <summary>
    /// Which notifications an event goes to, by the rules of the products this replaces: a notification must be enabled
    /// and listen to the event; for redemption events its redemption-type filter applies, and a webhook fires only for
    /// rewards that have it assigned. Emails need no assignment. For events that belong to a campaign, a notification
    /// limited to campaigns fires only for events of one of them: an unrestricted reward's redemption belongs to no
    /// campaign, so only "all" gets it. Daily digests get no delivery per event: the digest job matches the day's events
    /// to them by these same rules.
    /// </summary>
    public List<NotificationTarget> Match(string type, EventSubject subject, NotificationFrequency frequency = NotificationFrequency.EveryTime)
    {
        var candidates = targets.Where(r => r.Frequency == frequency && r.EventTypes.Contains(type)).ToList();
        var inCampaigns = EventTypes.BelongsToCampaign(type);
        var eventCampaigns = inCampaigns && candidates.Any(c => c.CampaignIds.Count > 0) ? EventCampaigns(type, subject) : [];
        var redemptionEvent = EventTypes.IsRedemptionEvent(type);
        return candidates
            .Where(c => c.CampaignIds.Count == 0 || !inCampaigns || c.CampaignIds.Overlaps(eventCampaigns))
            .Where(c => !redemptionEvent || c.RedemptionTypes.Count == 0
                || (subject.RewardType is { } rewardType && c.RedemptionTypes.Contains(rewardType)))
            .Where(c => !redemptionEvent || c.Channel != NotificationChannel.Webhook
                || (subject.RewardId is { } rewardId && c.RewardIds.Contains(rewardId)))
            .ToList();
    }

    private IReadOnlyCollection<long> EventCampaigns(string type, EventSubject subject)
    {
        if (!EventTypes.TakesCampaignsFromReward(type))
            return subject.CampaignId is { } campaignId ? [campaignId] : [];
        return subject.RewardId is { } rewardId ? CampaignsOf(rewardId) : [];
    }

    /// <summary>Reads them all. Read the counter before, not after: a change committed in between then only makes the next use read them again.</summary>
    internal static async Task<NotificationMatcher> LoadAsync(RewardPortalDbContext db, long? version, CancellationToken cancellationToken)
    {
        var notifications = await db.Notifications.AsNoTracking().AsSplitQuery()
            .Where(n => n.IsEnabled && !n.IsDeleted)
            .Select(n => new
            {
                n.Id, n.Channel, n.Frequency, n.EventTypes, n.RedemptionTypes,
                RewardIds = n.Rewards.Select(r => r.Id).ToList(), CampaignIds = n.Campaigns.Select(c => c.Id).ToList(),
            })
            .ToListAsync(cancellationToken);
        var rewardCampaigns = await db.Rewards.AsNoTracking().AsSplitQuery()
            .Where(r => r.Campaigns.Any())
            .Select(r => new { r.Id, CampaignIds = r.Campaigns.Select(c => c.Id).ToArray() })
            .ToDictionaryAsync(r => r.Id, r => r.CampaignIds, cancellationToken);
        var targets = notifications.Select(n => new NotificationTarget(n.Id, n.Channel, n.Frequency, n.EventTypes.ToHashSet(StringComparer.Ordinal),
            n.RedemptionTypes.ToHashSet(), n.RewardIds.ToHashSet(), n.CampaignIds.ToHashSet())).ToList();
        return new NotificationMatcher(version, targets, rewardCampaigns);
    }
}
