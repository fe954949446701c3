using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Notifications;

/// <summary>Which notifications an event goes to: the outbox writes a delivery for each, the digests gather a day's.</summary>
internal static class NotificationMatching
{
    /// <summary>
    /// The rules of the products this replaces: a notification must be enabled and listen to the event; for redemption
    /// events its redemption-type filter applies, and a webhook fires only for rewards that have it assigned.
    /// Emails need no assignment. For events that belong to a campaign, a notification limited to campaigns fires only
    /// for events of one of them: an unrestricted reward's redemption belongs to no campaign, so only "all" gets it.
    /// Daily digests get no delivery per event: the digest job matches the day's events to them by these same rules.
    /// </summary>
    internal static async Task<List<Notification>> MatchingNotificationsAsync(
        RewardPortalDbContext db, string type, EventSubject subject, CancellationToken cancellationToken,
        NotificationFrequency frequency = NotificationFrequency.EveryTime)
    {
        var candidates = new List<Candidate>();
        await foreach (var candidate in Candidates.For(db)(db, frequency, subject.RewardId).WithCancellation(cancellationToken))
            candidates.Add(candidate);
        candidates.RemoveAll(c => !c.Notification.EventTypes.Contains(type));

        var eventCampaigns = EventTypes.BelongsToCampaign(type) && candidates.Any(c => c.CampaignIds.Count > 0)
            ? await EventCampaignsAsync(db, type, subject, cancellationToken)
            : [];
        var redemptionEvent = EventTypes.IsRedemptionEvent(type);
        return candidates
            .Where(c => c.CampaignIds.Count == 0 || !EventTypes.BelongsToCampaign(type) || c.CampaignIds.Intersect(eventCampaigns).Any())
            .Where(c => !redemptionEvent || c.Notification.RedemptionTypes.Count == 0
                || (subject.RewardType is { } rewardType && c.Notification.RedemptionTypes.Contains(rewardType)))
            .Where(c => !redemptionEvent || c.Notification.Channel != NotificationChannel.Webhook || c.Assigned)
            .Select(c => c.Notification)
            .ToList();
    }

    private sealed record Candidate(Notification Notification, bool Assigned, List<long> CampaignIds);

    // Compiled (CompiledQuery): every redemption asks it, once per event it records.
    private static readonly CompiledQuery<Func<RewardPortalDbContext, NotificationFrequency, long?, IAsyncEnumerable<Candidate>>> Candidates =
        new(() => EF.CompileAsyncQuery((RewardPortalDbContext db, NotificationFrequency frequency, long? rewardId) =>
            db.Notifications.AsNoTracking()
                .Where(n => n.IsEnabled && !n.IsDeleted && n.Frequency == frequency)
                .Select(n => new Candidate(n, rewardId != null && n.Rewards.Any(r => r.Id == rewardId), n.Campaigns.Select(c => c.Id).ToList()))));

    private static async Task<List<long>> EventCampaignsAsync(RewardPortalDbContext db, string type, EventSubject subject, CancellationToken cancellationToken)
    {
        if (!EventTypes.TakesCampaignsFromReward(type))
            return subject.CampaignId is { } campaignId ? [campaignId] : [];
        if (subject.RewardId is not { } rewardId)
            return [];
        return await db.Rewards.Where(r => r.Id == rewardId).SelectMany(r => r.Campaigns.Select(c => c.Id)).ToListAsync(cancellationToken);
    }
}
