using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Core.Dashboard;

/// <summary>
/// The dashboard's figures, aggregated by the database (GROUP BY day, window functions for percentiles):
/// a year of rows never travels to the app.
/// </summary>
public sealed class DashboardQueries(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<DashboardSnapshot> LoadAsync(int days, CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - days);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var waiting = new WaitingCounts(
            await db.Redemptions.CountAsync(r => r.Status == RedemptionStatus.Requested, cancellationToken),
            await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Failed || (d.Status == DeliveryStatus.Pending && d.AttemptCount > 0), cancellationToken),
            await db.Notifications.CountAsync(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted && !n.IsEnabled, cancellationToken));

        var redemptions = await db.Redemptions.Where(r => r.CreatedAt >= since)
            .GroupBy(r => r.CreatedAt.Date)
            .Select(g => new { Day = g.Key, Count = g.Count(), Points = g.Sum(r => r.CostCurrency == Currency.Points ? r.Cost : 0) })
            .OrderBy(x => x.Day)
            .ToListAsync(cancellationToken);

        var outcomes = await db.Deliveries.Where(d => d.CompletedAt >= since && d.Status != DeliveryStatus.Pending)
            .GroupBy(d => d.CompletedAt!.Value.Date)
            .Select(g => new { Day = g.Key, Succeeded = g.Count(d => d.Status == DeliveryStatus.Succeeded), Failed = g.Count(d => d.Status == DeliveryStatus.Failed) })
            .ToListAsync(cancellationToken);
        var latencies = (await LatencyPercentilesAsync(db, since, cancellationToken)).ToDictionary(l => l.Day);

        return new DashboardSnapshot(
            waiting,
            Fill(since, days, redemptions.ToDictionary(r => DateOnly.FromDateTime(r.Day), r => new DailyRedemptions(DateOnly.FromDateTime(r.Day), r.Count, r.Points)),
                day => new DailyRedemptions(day, 0, 0)),
            Fill(since, days, outcomes.ToDictionary(o => DateOnly.FromDateTime(o.Day), o =>
                {
                    var day = DateOnly.FromDateTime(o.Day);
                    latencies.TryGetValue(day.ToString("yyyy-MM-dd"), out var latency);
                    return new DailyDeliveries(day, o.Succeeded, o.Failed, latency?.P50, latency?.P95);
                }),
                day => new DailyDeliveries(day, 0, 0, null, null)));
    }

    private static List<T> Fill<T>(DateTime since, int days, Dictionary<DateOnly, T> found, Func<DateOnly, T> empty) =>
        Enumerable.Range(0, days).Select(i => DateOnly.FromDateTime(since.AddDays(i)))
            .Select(day => found.TryGetValue(day, out var value) ? value : empty(day)).ToList();

    private sealed record LatencyRow(string Day, double? P50, double? P95);

    /// <summary>From an event's commit to its delivery's success, per day: the nearest-rank percentiles, computed in SQL.</summary>
    private static async Task<List<LatencyRow>> LatencyPercentilesAsync(RewardPortalDbContext db, DateTime since, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            return await db.Database.SqlQuery<LatencyRow>($"""
                SELECT to_char(d."CompletedAt", 'YYYY-MM-DD') AS "Day",
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM d."CompletedAt" - e."OccurredAt") * 1000) AS "P50",
                       percentile_disc(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM d."CompletedAt" - e."OccurredAt") * 1000) AS "P95"
                FROM "Deliveries" d JOIN "Events" e ON e."Id" = d."EventId"
                WHERE d."Status" = 1 AND d."CompletedAt" >= {since}
                GROUP BY 1
                """).ToListAsync(cancellationToken);
        }
        return await db.Database.SqlQuery<LatencyRow>($"""
            WITH latency AS (
                SELECT date(d.CompletedAt) AS Day, (julianday(d.CompletedAt) - julianday(e.OccurredAt)) * 86400000.0 AS Ms
                FROM Deliveries d JOIN Events e ON e.Id = d.EventId
                WHERE d.Status = 1 AND d.CompletedAt >= {since}),
            ranked AS (
                SELECT Day, Ms, ROW_NUMBER() OVER (PARTITION BY Day ORDER BY Ms) AS N, COUNT(*) OVER (PARTITION BY Day) AS C FROM latency)
            SELECT Day, MIN(CASE WHEN N >= 0.5 * C THEN Ms END) AS P50, MIN(CASE WHEN N >= 0.95 * C THEN Ms END) AS P95
            FROM ranked GROUP BY Day
            """).ToListAsync(cancellationToken);
    }
}
