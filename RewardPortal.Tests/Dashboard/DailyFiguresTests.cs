using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Dashboard;

/// <summary>The rollups the dashboard reads, compared with what the raw rows say, on both providers.</summary>
public sealed class DailyFiguresTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly DateTime today = DateTime.UtcNow.Date;

    public static TheoryData<string> Providers() => TestProviders.All();

    [Theory, MemberData(nameof(Providers))]
    public async Task RollupsMatchTheRawRowsAsRedemptionsAreMadeAndDeliveriesFinishFailAndAreResent(string provider)
    {
        await using var db = NewDatabase(provider);
        await db.Database.MigrateAsync();
        var deliveries = await SeedAsync(db);

        // The engine's way: pending rows whose outcome is written later, some in one statement for many rows.
        foreach (var (delivery, i) in deliveries.Select((d, i) => (d, i)))
        {
            delivery.Status = i % 7 == 0 ? DeliveryStatus.Failed : DeliveryStatus.Succeeded;
            delivery.CompletedAt = delivery.CreatedAt.AddMilliseconds(i * 7 + 3);
        }
        await db.SaveChangesAsync();
        // Re-sent by hand: taken off the day it had been counted on, then counted again on the day it succeeds.
        var resent = deliveries.Where((_, i) => i % 7 == 0).Take(3).Select(d => d.Id).Concat([deliveries[1].Id]).ToList();
        await db.Deliveries.Where(d => resent.Contains(d.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.CompletedAt, (DateTime?)null));
        await db.Deliveries.Where(d => d.Id == resent[0]).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Succeeded).SetProperty(d => d.CompletedAt, today.AddHours(1)));
        db.ChangeTracker.Clear();

        await AssertRollupsMatchRawRowsAsync(db);
        Assert.NotEmpty(await db.DailyLatency.ToListAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task HistoryFromBeforeTheUpgradeIsCountedWhenTheUpgradeIsApplied(string provider)
    {
        await using var db = NewDatabase(provider);
        // History written before the rollups existed: the schema of today (later migrations add columns the model
        // writes), without the rollups' triggers and rows. The upgrade then runs what the DailyFigures migration runs.
        await db.Database.MigrateAsync();
        var postgres = provider == TestProviders.Postgres;
        await db.Database.ExecuteSqlRawAsync(DailyFiguresSql.Uninstall(postgres));
        await db.DailyFigures.ExecuteDeleteAsync();
        await db.DailyLatency.ExecuteDeleteAsync();
        var deliveries = await SeedAsync(db);
        foreach (var (delivery, i) in deliveries.Select((d, i) => (d, i)))
        {
            delivery.Status = i % 5 == 0 ? DeliveryStatus.Failed : DeliveryStatus.Succeeded;
            delivery.CompletedAt = delivery.CreatedAt.AddMilliseconds(i * 13 + 3);
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        Assert.Empty(await db.DailyFigures.ToListAsync());

        await db.Database.ExecuteSqlRawAsync(DailyFiguresSql.Install(postgres));
        await db.Database.ExecuteSqlRawAsync(DailyFiguresSql.Rebuild(postgres));

        await AssertRollupsMatchRawRowsAsync(db);
    }

    private RewardPortalDbContext NewDatabase(string provider) => provider == TestProviders.Postgres
        ? new PostgresRewardPortalDbContext(new DbContextOptionsBuilder<PostgresRewardPortalDbContext>().UseNpgsql(PostgresServer.Shared.CreateDatabase()).Options)
        : new SqliteRewardPortalDbContext(new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={directory.File("figures.db")}").Options);

    /// <summary>Five days of redemptions in points and cash, and one pending delivery per webhook per day.</summary>
    private async Task<List<Delivery>> SeedAsync(RewardPortalDbContext db)
    {
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        var notifications = Enumerable.Range(0, 6).Select(i => new Notification
        {
            Channel = NotificationChannel.Webhook, WebhookUrl = $"https://example.com/{i}", IsEnabled = true, CreatedAt = today, UpdatedAt = today,
        }).ToList();
        db.Notifications.AddRange(notifications);
        var deliveries = new List<Delivery>();
        for (var day = 0; day < 5; day++)
        {
            var at = today.AddDays(-day).AddHours(10 + day);
            for (var i = 0; i < day + 1; i++)
            {
                var redemption = TestData.Redemption(participant, reward);
                redemption.CreatedAt = at.AddMinutes(i);
                if (i == 1)
                    (redemption.CostCurrency, redemption.Cost) = (Currency.Cash, 500);
                db.Redemptions.Add(redemption);
            }
            var outboxEvent = new OutboxEvent { Type = EventTypes.RedemptionRequested, OccurredAt = at, DataJson = "{}" };
            db.Events.Add(outboxEvent);
            deliveries.AddRange(notifications.Select(n => new Delivery
            {
                Event = outboxEvent, Notification = n, MessageId = EventRecorder.NewMessageId(), CreatedAt = at, NextAttemptAt = at,
            }));
        }
        db.Deliveries.AddRange(deliveries);
        await db.SaveChangesAsync();
        return deliveries;
    }

    private static async Task AssertRollupsMatchRawRowsAsync(RewardPortalDbContext db)
    {
        var redemptions = await db.Redemptions.AsNoTracking().ToListAsync();
        var finished = await db.Deliveries.AsNoTracking().Where(d => d.CompletedAt != null && d.Status != DeliveryStatus.Pending)
            .Select(d => new { d.Status, CompletedAt = d.CompletedAt!.Value, d.Event!.OccurredAt }).ToListAsync();
        var days = redemptions.Select(r => Day(r.CreatedAt)).Concat(finished.Select(d => Day(d.CompletedAt))).Distinct().Order();
        var expected = days.Select(day => new
        {
            Day = day,
            Redemptions = redemptions.Count(r => Day(r.CreatedAt) == day),
            Points = redemptions.Where(r => Day(r.CreatedAt) == day && r.CostCurrency == Currency.Points).Sum(r => r.Cost),
            Succeeded = finished.Count(d => Day(d.CompletedAt) == day && d.Status == DeliveryStatus.Succeeded),
            Failed = finished.Count(d => Day(d.CompletedAt) == day && d.Status == DeliveryStatus.Failed),
        }).ToList();
        var expectedLatency = finished.Where(d => d.Status == DeliveryStatus.Succeeded)
            .GroupBy(d => (Day(d.CompletedAt), LatencyHistogram.BucketOf((d.CompletedAt - d.OccurredAt).TotalMilliseconds)))
            .Select(g => (g.Key.Item1, g.Key.Item2, g.Count())).Order().ToList();

        var figures = await db.DailyFigures.AsNoTracking().Where(f => f.Redemptions != 0 || f.DeliveriesSucceeded != 0 || f.DeliveriesFailed != 0)
            .OrderBy(f => f.Day).ToListAsync();
        var latency = (await db.DailyLatency.AsNoTracking().Where(l => l.Count != 0).ToListAsync()).Select(l => (l.Day, l.Bucket, l.Count)).Order().ToList();

        Assert.Equal(expected, figures.Select(f => new { f.Day, f.Redemptions, Points = f.PointsRedeemed, Succeeded = f.DeliveriesSucceeded, Failed = f.DeliveriesFailed }).ToList());
        Assert.Equal(expectedLatency, latency);
    }

    private static DateOnly Day(DateTime at) => DateOnly.FromDateTime(at);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
