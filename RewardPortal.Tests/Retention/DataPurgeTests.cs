using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Retention;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Retention;

/// <summary>The retention purge on a real app database: what goes, what stays, in batches, with the dashboard untouched.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class DataPurgeTests
{
    public static TheoryData<string> Providers() => TestProviders.All();

    private const int OldEvents = 1_210;

    private sealed class Reports : IProgress<PurgeProgress>
    {
        public List<PurgeProgress> All { get; } = [];
        public void Report(PurgeProgress value)
        {
            lock (All)
                All.Add(value);
        }
    }

    /// <summary>
    /// Events of 40 days ago (finished: succeeded or failed, two attempts each), five of them with a delivery still
    /// retrying, and events of 20 days ago; the setting keeps 30 days.
    /// </summary>
    internal static async Task<long> SeedAsync(PortalFactory factory)
    {
        var webhook = (await factory.CreateWebhookAsync("http://127.0.0.1:9/never")).Id;
        await factory.Services.GetRequiredService<RetentionService>().SetKeepDaysAsync(30, "test");
        var now = DateTime.UtcNow;
        await using var db = await factory.CreateDbContextAsync();
        for (var i = 0; i < OldEvents + 5 + 20; i++)
        {
            var retrying = i >= OldEvents && i < OldEvents + 5;
            var at = i < OldEvents + 5 ? now.AddDays(-40).AddMinutes(i) : now.AddDays(-20).AddMinutes(i);
            var delivery = new Delivery
            {
                Event = new OutboxEvent { Type = EventTypes.RedemptionRequested, OccurredAt = at, DataJson = """{"n":1}""" },
                NotificationId = webhook,
                MessageId = EventRecorder.NewMessageId(),
                Status = retrying ? DeliveryStatus.Pending : i % 3 == 0 ? DeliveryStatus.Failed : DeliveryStatus.Succeeded,
                AttemptCount = 2,
                CreatedAt = at,
                NextAttemptAt = retrying ? now.AddDays(1) : at,
                CompletedAt = retrying ? null : at.AddSeconds(i % 7 + 1),
                Attempts =
                [
                    new DeliveryAttempt { StartedAt = at, DurationMs = 30, Succeeded = false, Error = "timeout" },
                    new DeliveryAttempt { StartedAt = at.AddSeconds(1), DurationMs = 20, Succeeded = !retrying && i % 3 != 0, StatusCode = 200 },
                ],
            };
            db.Deliveries.Add(delivery);
        }
        await db.SaveChangesAsync();
        return webhook;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task APurgeRemovesOnlyOldFinishedEventsWithTheirDeliveriesInBatchesAndKeepsThoseStillRetrying(string provider)
    {
        await using var factory = new PortalFactory(TestData.FastRetries().With(TestProviders.AppSettings(provider)));
        await SeedAsync(factory);
        var reports = new Reports();

        var result = await factory.Services.GetRequiredService<DataPurge>().RunAsync(reports);

        Assert.Equal((OldEvents, OldEvents, OldEvents, 2 * OldEvents, true),
            (result.EventsPurged, result.EventsToPurge, result.DeliveriesPurged, result.AttemptsPurged, result.Finished));
        Assert.Equal([0, 500, 1000, OldEvents, OldEvents], reports.All.Select(r => r.EventsPurged));
        Assert.Equal(100, reports.All[^1].Percent);
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal(25, await db.Events.CountAsync());
        var cutoff = DateTime.UtcNow.AddDays(-30);
        var oldLeft = await db.Deliveries.Include(d => d.Event).Where(d => d.Event!.OccurredAt < cutoff).ToListAsync();
        Assert.Equal(5, oldLeft.Count);
        Assert.All(oldLeft, d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        Assert.Equal(50, await db.DeliveryAttempts.CountAsync());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TheDashboardShowsTheSameHistoryAfterAPurge(string provider)
    {
        await using var factory = new PortalFactory(TestData.FastRetries().With(TestProviders.AppSettings(provider)));
        await SeedAsync(factory);
        var dashboard = factory.Services.GetRequiredService<DashboardQueries>();
        var before = await dashboard.LoadAsync(90);
        Assert.Contains(before.Deliveries, d => d.Succeeded > 0 && d.Failed > 0 && d.LatencyP95Ms > 0);

        await factory.Services.GetRequiredService<DataPurge>().RunAsync();

        var after = await dashboard.LoadAsync(90);
        Assert.Equal(before.Deliveries, after.Deliveries);
        Assert.Equal(before.Redemptions, after.Redemptions);
    }

    [Fact]
    public async Task TheSettingIsNinetyDaysUntilChangedAndKeepsWithinItsBounds()
    {
        await using var factory = new PortalFactory();
        var retention = factory.Services.GetRequiredService<RetentionService>();
        Assert.Equal(90, await retention.KeepDaysAsync());

        foreach (var wrong in new[] { 0, 6, 3651 })
            Assert.Equal("keepDays", (await Assert.ThrowsAsync<PortalException>(() => retention.SetKeepDaysAsync(wrong, "test"))).Field);
        await retention.SetKeepDaysAsync(7, "test");

        Assert.Equal(7, await retention.KeepDaysAsync());
        await using var db = await factory.CreateDbContextAsync();
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "retention.updated");
    }
}
