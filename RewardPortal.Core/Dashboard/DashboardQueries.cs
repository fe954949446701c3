using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Core.Dashboard;

/// <summary>
/// The dashboard's figures, read from the daily rollups (<see cref="DailyFigures"/>, <see cref="DailyLatency"/>):
/// a year is 365 rows and a few thousand histogram cells, however many deliveries it held.
/// </summary>
public sealed class DashboardQueries(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<DashboardSnapshot> LoadAsync(int days, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var since = today.AddDays(1 - days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A span per read, tagged with the database it read, shows what the page costs (and how often it asks).
        using var activity = PortalMetrics.Activities.StartActivity("dashboard");
        activity?.SetTag("rewardportal.dashboard.days", days);
        activity?.SetTag("db.data_source", db.Database.GetDbConnection().DataSource);

        var waiting = new WaitingCounts(
            await db.Redemptions.CountAsync(r => r.Status == RedemptionStatus.Requested, cancellationToken),
            // Two counts, each answered from the ("Status", ...) index: with an OR the database reads every delivery.
            await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Failed, cancellationToken)
                + await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Pending && d.AttemptCount > 0, cancellationToken),
            await db.Notifications.CountAsync(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted && !n.IsEnabled, cancellationToken));

        // A day is several rows on PostgreSQL (DailyFigures.Shard): at most a few thousand for a year, summed by the database.
        var figures = await db.DailyFigures.Where(f => f.Day >= since).GroupBy(f => f.Day)
            .Select(g => new DailyFigures
            {
                Day = g.Key, Redemptions = g.Sum(f => f.Redemptions), PointsRedeemed = g.Sum(f => f.PointsRedeemed),
                DeliveriesSucceeded = g.Sum(f => f.DeliveriesSucceeded), DeliveriesFailed = g.Sum(f => f.DeliveriesFailed),
            })
            .ToDictionaryAsync(f => f.Day, cancellationToken);
        var latency = (await db.DailyLatency.AsNoTracking().Where(l => l.Day >= since && l.Count > 0).ToListAsync(cancellationToken))
            .GroupBy(l => l.Day).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<int, int>)g.ToDictionary(l => l.Bucket, l => l.Count));

        var shown = Enumerable.Range(0, days).Select(since.AddDays).ToList();
        return new DashboardSnapshot(
            waiting,
            shown.Select(day => figures.TryGetValue(day, out var f)
                ? new DailyRedemptions(day, f.Redemptions, f.PointsRedeemed)
                : new DailyRedemptions(day, 0, 0)).ToList(),
            shown.Select(day =>
            {
                figures.TryGetValue(day, out var f);
                latency.TryGetValue(day, out var histogram);
                return new DailyDeliveries(day, f?.DeliveriesSucceeded ?? 0, f?.DeliveriesFailed ?? 0,
                    histogram is null ? null : LatencyHistogram.Percentile(histogram, 0.5),
                    histogram is null ? null : LatencyHistogram.Percentile(histogram, 0.95));
            }).ToList());
    }
}
