using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Notifications.Digests;

/// <summary>
/// Sends the daily digests that are due. A recurring job every few minutes: a digest whose hour passed while the app
/// was down goes out on the first run after it starts. Each digest is one email delivery, sent, retried and logged by the
/// engine like any other; it is queued in the transaction that records the digest as sent, and that record is unique per
/// notification and day, so runs that overlap (on one node or several) queue it once.
/// </summary>
public sealed class DigestJob(
    IDbContextFactory<RewardPortalDbContext> dbFactory, WriteTransactions writes, IOptions<ProgramOptions> program,
    IDeliverySignal signal, NotificationMatcherCache matchers, TimeProvider clock, ILogger<DigestJob> logger)
{
    public const string RecurringJobId = "notification-digests";
    public const string Schedule = "*/5 * * * *";

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var zone = program.Value.Zone;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await db.Notifications.AsNoTracking()
            .Where(n => n.Frequency == NotificationFrequency.Daily && n.Channel == NotificationChannel.Email
                && n.IsEnabled && !n.IsDeleted && n.DigestHour != null)
            .OrderBy(n => n.Id).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var rule in rules)
        {
            var due = DigestPeriod.Due(now, rule.DigestHour!.Value, zone, rule.CreatedAt);
            if (due.Count == 0)
                continue;
            var days = due.Select(p => p.Day).ToList();
            var done = await db.DigestsSent.Where(d => d.NotificationId == rule.Id && days.Contains(d.Day)).Select(d => d.Day).ToListAsync(cancellationToken);
            foreach (var period in due.Where(p => !done.Contains(p.Day)))
                if (await SendAsync(rule, period, zone, cancellationToken))
                    queued++;
        }
        if (queued > 0)
            signal.DeliveriesWritten();
    }

    /// <summary>Queues one digest; false when there was nothing to list, or another run had it already.</summary>
    private async Task<bool> SendAsync(Notification rule, DigestPeriod period, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        List<DigestLine> lines;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            lines = await LinesAsync(db, rule, await matchers.CurrentAsync(db, cancellationToken), period, zone, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            await writes.RunAsync(async (db, ct) =>
            {
                db.DigestsSent.Add(new DigestSent
                {
                    NotificationId = rule.Id, Day = period.Day, PeriodStart = period.StartUtc, PeriodEnd = period.EndUtc, EventCount = lines.Count,
                    SentAt = now,
                });
                if (lines.Count > 0)
                {
                    var data = new DigestData(rule.Id, rule.Name, period.Day, Local(period.StartUtc, zone), Local(period.EndUtc, zone), zone.Id, lines);
                    db.Deliveries.Add(new Delivery
                    {
                        Event = new OutboxEvent { Type = EventTypes.Digest, OccurredAt = now, DataJson = JsonSerializer.Serialize(data, PortalJson.Options) },
                        NotificationId = rule.Id,
                        MessageId = EventRecorder.NewMessageId(),
                        Status = DeliveryStatus.Pending,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    });
                }
                await db.SaveChangesAsync(ct);
                return true;
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await AlreadySentAsync(rule.Id, period.Day))
                throw;
            logger.LogDebug("The digest of notification {NotificationId} for {Day} was sent by another run.", rule.Id, period.Day);
            return false;
        }
        logger.LogInformation("Daily digest of notification {NotificationId} for {Day}: {Count} redemption event(s).", rule.Id, period.Day, lines.Count);
        return lines.Count > 0;
    }

    private async Task<bool> AlreadySentAsync(long notificationId, DateOnly day)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.DigestsSent.AnyAsync(d => d.NotificationId == notificationId && d.Day == day);
    }

    /// <summary>
    /// The period's events the rule follows, matched by the rules an every-time notification is matched by (event,
    /// redemption type, campaigns). Events it already emailed one by one (before it became a digest) are left out.
    /// </summary>
    private static async Task<List<DigestLine>> LinesAsync(
        RewardPortalDbContext db, Notification rule, NotificationMatcher matcher, DigestPeriod period, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var types = rule.EventTypes.Where(EventTypes.IsRedemptionEvent).ToList();
        var events = await db.Events.AsNoTracking()
            .Where(e => e.OccurredAt >= period.StartUtc && e.OccurredAt < period.EndUtc && types.Contains(e.Type))
            .Where(e => !db.Deliveries.Any(d => d.EventId == e.Id && d.NotificationId == rule.Id))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .ToListAsync(cancellationToken);
        var matches = new Dictionary<(string, long?, Rewards.RewardType?), bool>();
        var lines = new List<DigestLine>();
        foreach (var e in events)
        {
            var key = (e.Type, e.RewardId, e.RewardType);
            if (!matches.TryGetValue(key, out var matching))
            {
                var subject = new EventSubject(e.RedemptionId, e.ParticipantId, e.RewardId, e.RewardType, e.CampaignId);
                matches[key] = matching = matcher.Match(e.Type, subject, NotificationFrequency.Daily).Any(n => n.Id == rule.Id);
            }
            if (!matching)
                continue;
            var data = JsonSerializer.Deserialize<RedemptionEventData>(e.DataJson, PortalJson.Options)!;
            lines.Add(new DigestLine(data.Redemption.Id, e.Type, data.Participant.Name, data.Participant.Email, data.Reward.Name,
                data.Redemption.Status.ToString(), Local(e.OccurredAt, zone)));
        }
        return lines;
    }

    private static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
