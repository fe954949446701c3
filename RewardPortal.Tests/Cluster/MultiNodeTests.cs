using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Cluster;

/// <summary>Several nodes over one PostgreSQL database share the deliveries: each is sent by one node, none is lost.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class MultiNodeTests : PostgresNodesTest
{
    private const int Burst = 600;
    /// <summary>Writes a burst of events in one transaction, as a busy program would, and tells every node.</summary>
    private async Task<long> WriteBurstAsync(PortalFactory node)
    {
        var webhook = await node.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);
        await using var db = await node.CreateDbContextAsync();
        var recorder = node.Services.GetRequiredService<EventRecorder>();
        for (var i = 0; i < Burst; i++)
            await recorder.RecordAsync(db, EventTypes.PointsAwarded, new { n = i }, new EventSubject());
        await db.SaveChangesAsync();
        foreach (var each in nodes)
            each.Services.GetRequiredService<IDeliverySignal>().DeliveriesWritten();
        return webhook.Id;
    }

    [PostgresFact]
    public async Task TwoNodesDrainABurstSendingEachDeliveryOnce()
    {
        var first = StartNode();
        StartNode();

        var webhookId = await WriteBurstAsync(first);
        await Wait.UntilAsync(async () => (await first.DeliveriesAsync(webhookId)).All(d => d.Status == DeliveryStatus.Succeeded),
            TimeSpan.FromSeconds(60), "every delivery to succeed");

        var deliveries = await first.DeliveriesAsync(webhookId);
        Assert.Equal(Burst, deliveries.Count);
        Assert.All(deliveries, d => Assert.Single(d.Attempts));
        Assert.Equal(Burst, receiver.Requests.Select(r => r.Id).Distinct().Count());
        Assert.Equal(Burst, receiver.Requests.Count);
    }

    [PostgresFact]
    public async Task ANodeStoppedMidBurstLosesNothing()
    {
        var doomed = StartNode();
        var survivor = StartNode();
        receiver.Respond = (_, _) => new Reply(Delay: TimeSpan.FromMilliseconds(5));

        var webhookId = await WriteBurstAsync(survivor);
        await receiver.WaitForAsync(Burst / 5, TimeSpan.FromSeconds(30));
        nodes.Remove(doomed);
        await doomed.DisposeAsync();

        await Wait.UntilAsync(async () => (await survivor.DeliveriesAsync(webhookId)).All(d => d.Status == DeliveryStatus.Succeeded),
            TimeSpan.FromSeconds(90), "the survivor to finish the burst");
        Assert.Equal(Burst, receiver.Requests.Select(r => r.Id).Distinct().Count());
    }

    [PostgresFact]
    public async Task TwoNodesMeetingTheSame410TurnTheWebhookOffOnceAndAlertOnce()
    {
        var first = StartNode();
        var second = StartNode();
        // Slow enough that both nodes have sends in flight when the first 410s come back.
        receiver.Respond = (_, _) => new Reply(410, "gone", Delay: TimeSpan.FromMilliseconds(50));

        var webhookId = await WriteBurstAsync(first);
        await Wait.UntilAsync(async () => (await first.DeliveriesAsync(webhookId)).All(d => d.Status == DeliveryStatus.Failed),
            TimeSpan.FromSeconds(60), "every delivery to fail");

        // Many sends were in flight on both nodes, and each came back 410.
        Assert.True((await first.DeliveriesAsync(webhookId)).Count(d => d.LastStatusCode == 410) >= 2);
        await using var db = await second.CreateDbContextAsync();
        var alerts = db.Alerts.Where(a => a.Key!.StartsWith($"webhook-gone:{webhookId}:"));
        await Wait.UntilAsync(async () => await alerts.AnyAsync(), what: "the alert");
        await Task.Delay(500);
        var alert = Assert.Single(await alerts.ToListAsync());
        Assert.Contains("410 Gone", alert.Title);
        Assert.False((await db.Notifications.SingleAsync(n => n.Id == webhookId)).IsEnabled);
    }

    [PostgresFact]
    public async Task LeasesOfANodeThatDiedAreTakenOverWhenTheyRunOut()
    {
        var survivor = StartNode();
        var webhookId = await survivor.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);
        await using (var db = await survivor.CreateDbContextAsync())
        {
            // As a crashed node leaves them: claimed, never finished, the lease already past. One transaction, so
            // that the engine, woken by the commit, never sees them unclaimed.
            await using var transaction = await db.Database.BeginTransactionAsync();
            var recorder = survivor.Services.GetRequiredService<EventRecorder>();
            for (var i = 0; i < 50; i++)
                await recorder.RecordAsync(db, EventTypes.PointsAwarded, new { n = i }, new EventSubject());
            await db.SaveChangesAsync();
            await db.Deliveries.ExecuteUpdateAsync(
                s => s.SetProperty(d => d.LeasedBy, "dead-node").SetProperty(d => d.LeasedUntil, DateTime.UtcNow.AddSeconds(-1)));
            await transaction.CommitAsync();
        }

        await survivor.Services.GetRequiredService<DeliveryDispatcher>().DrainAsync(CancellationToken.None);

        await Wait.UntilAsync(async () => (await survivor.DeliveriesAsync(webhookId.Id)).All(d => d.Status == DeliveryStatus.Succeeded),
            TimeSpan.FromSeconds(30), "the orphaned deliveries to be sent");
        Assert.Equal(50, receiver.Requests.Count);
    }
}
