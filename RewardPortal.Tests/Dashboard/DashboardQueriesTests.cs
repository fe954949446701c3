using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Dashboard;

public sealed class DashboardQueriesTests : IDisposable
{
    private readonly SqliteTestDatabase database = new();
    private readonly DateTime today = DateTime.UtcNow.Date;

    [Fact]
    public async Task AYearOfDataIsAggregatedPerDayWithLatencyPercentiles()
    {
        await using (var db = database.CreateDbContext())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            var notification = new Notification
            {
                Channel = NotificationChannel.Webhook, WebhookUrl = "https://example.com/h", IsEnabled = false, CreatedAt = today, UpdatedAt = today,
            };
            db.Notifications.Add(notification);
            for (var day = 0; day < 365; day++)
            {
                var at = today.AddDays(-day).AddHours(12);
                for (var i = 0; i < 3; i++)
                {
                    var redemption = TestData.Redemption(participant, reward, day == 0 && i == 0 ? RedemptionStatus.Requested : RedemptionStatus.Fulfilled);
                    redemption.CreatedAt = at;
                    db.Redemptions.Add(redemption);
                }
                var outboxEvent = new OutboxEvent { Type = EventTypes.RedemptionRequested, OccurredAt = at, DataJson = "{}" };
                db.Events.Add(outboxEvent);
                // Twenty deliveries a day: latencies 13, 23, ... 193 ms succeed, one fails.
                for (var i = 1; i <= 20; i++)
                    db.Deliveries.Add(new Delivery
                    {
                        Event = outboxEvent, Notification = notification, MessageId = EventRecorder.NewMessageId(),
                        Status = i == 20 ? DeliveryStatus.Failed : DeliveryStatus.Succeeded, CreatedAt = at, CompletedAt = at.AddMilliseconds(i * 10 + 3),
                    });
            }
            await db.SaveChangesAsync();
        }

        var snapshot = await new DashboardQueries(database, TimeProvider.System).LoadAsync(365);

        Assert.Equal(365, snapshot.Redemptions.Count);
        Assert.All(snapshot.Redemptions, d => Assert.Equal(3, d.Redemptions));
        Assert.All(snapshot.Redemptions, d => Assert.Equal(30, d.PointsRedeemed));
        var lastDay = snapshot.Deliveries[^1];
        Assert.Equal((19, 1), (lastDay.Succeeded, lastDay.Failed));
        Assert.Equal(95.0, lastDay.SuccessRate!.Value, 3);
        // Read from the histogram: the upper bound of the bucket the nearest rank falls in (103 ms in 100-120, 193 ms in 180-220).
        Assert.Equal(120, lastDay.LatencyP50Ms!.Value, 0);
        Assert.Equal(220, lastDay.LatencyP95Ms!.Value, 0);
        Assert.Equal(new WaitingCounts(1, 365, 1), snapshot.Waiting);
    }

    [Fact]
    public async Task DaysWithoutActivityAreZeroNotMissing()
    {
        var snapshot = await new DashboardQueries(database, TimeProvider.System).LoadAsync(30);

        Assert.Equal(30, snapshot.Redemptions.Count);
        Assert.Equal(DateOnly.FromDateTime(today), snapshot.Redemptions[^1].Day);
        Assert.All(snapshot.Deliveries, d => Assert.Null(d.SuccessRate));
    }

    public void Dispose() => database.Dispose();
}
