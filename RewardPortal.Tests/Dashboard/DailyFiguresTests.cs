using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Deliveries.Engine.Sqlite;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Dashboard;

/// <summary>The rollups the dashboard reads, compared with what the raw rows say, on both providers.</summary>
public sealed class DailyFiguresTests : IDisposable
{
    private const string MigrationBeforeRollups = "DeliveryTraces";
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
    public async Task TheEnginesOutcomeBatchesAreCountedAsTheRawRowsSay(string provider)
    {
        await using var db = NewDatabase(provider);
        await db.Database.MigrateAsync();
        await SeedAsync(db);
        db.ChangeTracker.Clear();

        // Two batches, each claimed and recorded as the engine's loop does, through the provider's statements in one
        // transaction: some succeed, some fail for good, some wait for a retry, and one lost its lease meanwhile.
        for (var batch = 0; batch < 2; batch++)
            await RecordBatchAsync(db, provider, $"node#{batch}");
        // Afterwards the rows' own triggers count again: a re-send by hand takes a delivery off its day.
        var resent = await db.Deliveries.Where(d => d.Status == DeliveryStatus.Succeeded).Select(d => d.Id).FirstAsync();
        await db.Deliveries.Where(d => d.Id == resent).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.CompletedAt, (DateTime?)null));

        Assert.True(await db.Deliveries.CountAsync(d => d.Status == DeliveryStatus.Pending && d.AttemptCount > 0) > 0);
        await AssertRollupsMatchRawRowsAsync(db);
        Assert.True(await db.DailyLatency.CountAsync() > 3);
    }

    /// <summary>Claims half of what is due under <paramref name="lease"/>, then records an outcome for each, as <c>OutcomeWriter</c> does.</summary>
    private static async Task RecordBatchAsync(RewardPortalDbContext db, string provider, string lease)
    {
        var now = DateTime.UtcNow;
        await using var sqlite = provider == TestProviders.Postgres ? null : new SqliteConnection(db.Database.GetConnectionString());
        SqliteEngineStatements? statements = null;
        IDbContextTransaction? postgresTransaction = null;
        SqliteTransaction? sqliteTransaction = null;
        IEngineQueries queries;
        if (sqlite is null)
        {
            postgresTransaction = await db.Database.BeginTransactionAsync();
            queries = new PostgresEngineQueries(db);
        }
        else
        {
            await sqlite.OpenAsync();
            sqliteTransaction = sqlite.BeginTransaction();
            queries = new SqliteEngineQueries(statements = new SqliteEngineStatements(sqlite));
        }

        var claimed = await queries.ClaimAsync(lease, now.AddMinutes(1), now.AddDays(1), [], 16, CancellationToken.None);
        Assert.Equal(16, claimed.Count);
        var decisions = claimed.Select((c, i) =>
        {
            var work = new DeliveryWork(c.Id, c.MessageId, c.AttemptCount, c.NotificationId, c.Event.Type, c.Event.OccurredAt, c.Event.Body,
                i == 3 ? "another node's lease" : lease, now.AddMinutes(1));
            var completed = c.Event.OccurredAt.AddMilliseconds(i * 37 + 2);
            var status = (i % 5) switch { 0 => DeliveryStatus.Failed, 1 => DeliveryStatus.Pending, _ => DeliveryStatus.Succeeded };
            var result = new AttemptResult(completed, 5, status == DeliveryStatus.Succeeded, status == DeliveryStatus.Succeeded ? 200 : 500, null, null);
            return new OutcomeDecision(new Outcome(work, null!, result), status, now, status == DeliveryStatus.Pending ? null : completed, null);
        }).ToList();

        var landed = await queries.RecordAsync(decisions, CancellationToken.None);
        Assert.Equal(15, landed.Count);
        if (sqlite is null)
        {
            await postgresTransaction!.CommitAsync();
            await postgresTransaction.DisposeAsync();
        }
        else
        {
            await sqliteTransaction!.CommitAsync();
            statements!.Dispose();
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task HistoryFromBeforeTheUpgradeIsCountedWhenTheUpgradeIsApplied(string provider)
    {
        await using var db = NewDatabase(provider);
        await db.GetService<IMigrator>().MigrateAsync(MigrationBeforeRollups);
        var deliveries = await SeedAsync(db, schemaBeforeRollups: true);
        foreach (var (delivery, i) in deliveries.Select((d, i) => (d, i)))
        {
            delivery.Status = i % 5 == 0 ? DeliveryStatus.Failed : DeliveryStatus.Succeeded;
            delivery.CompletedAt = delivery.CreatedAt.AddMilliseconds(i * 13 + 3);
        }
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        await db.Database.MigrateAsync();

        await AssertRollupsMatchRawRowsAsync(db);
    }

    private RewardPortalDbContext NewDatabase(string provider) => provider == TestProviders.Postgres
        ? new PostgresRewardPortalDbContext(
            new DbContextOptionsBuilder<PostgresRewardPortalDbContext>().UseNpgsql(PostgresServer.Shared.CreateDatabase()).Options)
        : new SqliteRewardPortalDbContext(
            new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={directory.File("figures.db")}").Options);

    /// <summary>
    /// Five days of redemptions in points and cash, and one pending delivery per webhook per day. With
    /// <paramref name="schemaBeforeRollups"/> the redemptions and events, whose tables later migrations changed, are
    /// written as rows of that older schema.
    /// </summary>
    private async Task<List<Delivery>> SeedAsync(RewardPortalDbContext db, bool schemaBeforeRollups = false)
    {
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        var notificationIds = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            if (!schemaBeforeRollups)
            {
                var notification = new Notification
                {
                    Channel = NotificationChannel.Webhook, WebhookUrl = $"https://example.com/{i}", IsEnabled = true, CreatedAt = today, UpdatedAt = today,
                };
                db.Notifications.Add(notification);
                await db.SaveChangesAsync();
                notificationIds.Add(notification.Id);
                continue;
            }
            // A row of the older schema: later migrations add columns to Notifications.
            var postgres = db.Database.IsNpgsql();
            object eventTypes = postgres ? new List<string>() : "[]", redemptionTypes = postgres ? Array.Empty<int>() : "[]";
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Notifications" ("Channel", "Frequency", "EventTypes", "RedemptionTypes", "Name", "NotifyParticipant", "WebhookUrl",
                    "IsEnabled", "IsDeleted", "CreatedAt", "UpdatedAt")
                VALUES ({(int)NotificationChannel.Webhook}, 0, {eventTypes}, {redemptionTypes}, {$"Webhook {i}"}, {false}, {$"https://example.com/{i}"},
                    {true}, {false}, {today}, {today})
                """);
            notificationIds.Add(await db.Database.SqlQuery<long>($"""SELECT MAX("Id") AS "Value" FROM "Notifications" """).SingleAsync());
        }
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
                if (schemaBeforeRollups)
                    await db.Database.ExecuteSqlAsync($"""
                        INSERT INTO "Redemptions" ("ParticipantId", "RewardId", "Reward", "RewardType", "Cost", "CostCurrency", "Status", "CreatedAt")
                        VALUES ({participant.Id}, {reward.Id}, {"{}"}, {(int)reward.Type}, {redemption.Cost}, {(int)redemption.CostCurrency}, 0,
                            {redemption.CreatedAt})
                        """);
                else
                    db.Redemptions.Add(redemption);
            }
            var outboxEvent = new OutboxEvent { Type = EventTypes.RedemptionRequested, OccurredAt = at, DataJson = "{}" };
            if (schemaBeforeRollups)
            {
                await db.Database.ExecuteSqlAsync($"""INSERT INTO "Events" ("Type", "OccurredAt", "DataJson") VALUES ({outboxEvent.Type}, {at}, {"{}"})""");
                outboxEvent.Id = await db.Events.MaxAsync(e => e.Id);
            }
            else
                db.Events.Add(outboxEvent);
            deliveries.AddRange(notificationIds.Select(n => new Delivery
            {
                EventId = outboxEvent.Id, Event = schemaBeforeRollups ? null : outboxEvent, NotificationId = n, MessageId = EventRecorder.NewMessageId(),
                CreatedAt = at, NextAttemptAt = at,
            }));
        }
        db.Deliveries.AddRange(deliveries);
        await db.SaveChangesAsync();
        return deliveries;
    }

    private static async Task AssertRollupsMatchRawRowsAsync(RewardPortalDbContext db)
    {
        var redemptions = await db.Redemptions.Select(r => new { r.CreatedAt, r.CostCurrency, r.Cost }).ToListAsync();
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

        var figures = (await db.DailyFigures.AsNoTracking().ToListAsync()).GroupBy(f => f.Day)
            .Select(g => new DailyFigures
            {
                Day = g.Key, Redemptions = g.Sum(f => f.Redemptions), PointsRedeemed = g.Sum(f => f.PointsRedeemed),
                DeliveriesSucceeded = g.Sum(f => f.DeliveriesSucceeded), DeliveriesFailed = g.Sum(f => f.DeliveriesFailed),
            })
            .Where(f => f.Redemptions != 0 || f.DeliveriesSucceeded != 0 || f.DeliveriesFailed != 0).OrderBy(f => f.Day).ToList();
        var latency = (await db.DailyLatency.AsNoTracking().Where(l => l.Count != 0).ToListAsync()).Select(l => (l.Day, l.Bucket, l.Count)).Order().ToList();

        Assert.Equal(
            expected,
            figures.Select(
                f => new { f.Day, f.Redemptions, Points = f.PointsRedeemed, Succeeded = f.DeliveriesSucceeded, Failed = f.DeliveriesFailed }).ToList());
        Assert.Equal(expectedLatency, latency);
    }

    private static DateOnly Day(DateTime at) => DateOnly.FromDateTime(at);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
