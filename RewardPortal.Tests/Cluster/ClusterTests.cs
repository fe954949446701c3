using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Cluster;

/// <summary>
/// A Web node and a Worker node over one PostgreSQL database behave as one: a commit anywhere wakes the engine at once,
/// retries go out when due, a silent node's work is taken over, and the API's limits hold for the cluster.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class ClusterTests : PostgresNodesTest
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1);

    private PortalFactory StartNode(string role, Dictionary<string, string?>? more = null) => StartNode(new Dictionary<string, string?>
    {
        ["Node:Role"] = role,
        ["Node:HeartbeatInterval"] = "00:00:00.200",
        ["Node:DeadAfter"] = "00:00:03",
    }.With(more ?? []));

    private static async Task WaitUntilListeningAsync(PortalFactory worker)
    {
        var listener = worker.Services.GetRequiredService<PostgresDeliveryListener>();
        await Wait.UntilAsync(() => Task.FromResult(listener.IsListening), what: "the worker to listen");
    }

    /// <summary>Commits one event with its deliveries, due at <paramref name="due"/> (now by default), and says nothing to any engine.</summary>
    private static async Task<DateTime> CommitEventAsync(PortalFactory node, DateTime? due = null)
    {
        await using var db = await node.CreateDbContextAsync();
        await node.Services.GetRequiredService<EventRecorder>().RecordAsync(db, EventTypes.PointsAwarded, new { n = 1 }, new EventSubject());
        if (due is { } at)
            foreach (var delivery in db.ChangeTracker.Entries<Delivery>())
                delivery.Entity.NextAttemptAt = at;
        await db.SaveChangesAsync();
        return DateTime.UtcNow;
    }

    [PostgresFact]
    public async Task ACommitOnAWebNodeReachesTheWorkerAtOnce()
    {
        var web = StartNode("Web");
        var worker = StartNode("Worker");
        await WaitUntilListeningAsync(worker);
        await web.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);

        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var committedAt = await CommitEventAsync(web);
            // As the services do after a commit: on a Web node this only queues a Hangfire drain for the workers.
            web.Services.GetRequiredService<IDeliverySignal>().DeliveriesWritten();
            var arrived = await receiver.WaitForAsync(i + 1, TimeSpan.FromSeconds(20));
            latencies.Add(arrived[i].ArrivedAt - committedAt);
            await Task.Delay(300);
        }

        // The first send also opens the connection to the receiver.
        Assert.All(latencies.Skip(1), latency => Assert.True(latency < Prompt, $"arrived {latency.TotalMilliseconds:0} ms after the commit"));
    }

    [PostgresFact]
    public async Task ARetryWrittenByAnotherNodeIsSentByAnIdleWorkerWhenItFallsDue()
    {
        var worker = StartNode("Worker");
        await WaitUntilListeningAsync(worker);
        await worker.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);
        await Task.Delay(500);

        // As another node writes a retry back: pending, not leased, due a little later.
        var due = DateTime.UtcNow.AddSeconds(3);
        await CommitEventAsync(worker, due);

        var arrived = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(15)))[0].ArrivedAt;
        // On time, not at the minute's sweep: a busy CI machine has made it 2 s late, so allow 5.
        Assert.InRange(arrived, due.AddMilliseconds(-100), due + TimeSpan.FromSeconds(5));
    }

    [PostgresFact]
    public async Task TheWakeUpReconnectsByItselfAfterItsConnectionIsCut()
    {
        var worker = StartNode("Worker");
        await WaitUntilListeningAsync(worker);
        await worker.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);
        var listener = worker.Services.GetRequiredService<PostgresDeliveryListener>();
        var cut = listener.ServerProcessId!.Value;

        // As a database restart or a proxy does to a connection.
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({cut})", admin);
            await terminate.ExecuteScalarAsync();
        }
        await Wait.UntilAsync(() => Task.FromResult(listener.IsListening && listener.ServerProcessId != cut), TimeSpan.FromSeconds(15),
            "the listener to reconnect");

        Assert.Contains(worker.Logs.Lines, l => l.Contains("Lost the database connection that wakes the delivery engine"));
        Assert.Contains(worker.Logs.Lines, l => l.Contains("wake-up is connected again"));
        await Task.Delay(500);
        var committedAt = await CommitEventAsync(worker);
        var arrived = (await receiver.WaitForAsync(1, TimeSpan.FromSeconds(15)))[0].ArrivedAt;
        Assert.True(arrived - committedAt < Prompt, $"arrived {(arrived - committedAt).TotalMilliseconds:0} ms after the commit");
    }

    [PostgresFact]
    public async Task AWorkerThatStopsHeartbeatingHasItsDeliveriesTakenOverPromptly()
    {
        var survivor = StartNode("Worker");
        var webhook = await survivor.CreateWebhookAsync(receiver.Url(), EventTypes.PointsAwarded);
        await using (var db = await survivor.CreateDbContextAsync())
        {
            // As a worker that vanished leaves things: its heartbeat old, its deliveries claimed for minutes more.
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.ClusterNodes.Add(new ClusterNode
            {
                Id = "gone-host:4242:deadbeef", Role = "Worker", MachineName = "gone-host", StartedAt = DateTime.UtcNow.AddHours(-1),
                    LastSeenAt = DateTime.UtcNow.AddSeconds(-10),
            });
            var recorder = survivor.Services.GetRequiredService<EventRecorder>();
            for (var i = 0; i < 20; i++)
                await recorder.RecordAsync(db, EventTypes.PointsAwarded, new { n = i }, new EventSubject());
            await db.SaveChangesAsync();
            await db.Deliveries.ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, "gone-host:4242:deadbeef#7").SetProperty(d => d.LeasedUntil,
                DateTime.UtcNow.AddMinutes(5)));
            await transaction.CommitAsync();
        }
        var stopwatch = Stopwatch.StartNew();

        await Wait.UntilAsync(async () => (await survivor.DeliveriesAsync(webhook.Id)).All(d => d.Status == DeliveryStatus.Succeeded),
            TimeSpan.FromSeconds(20), "the dead worker's deliveries to be sent");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"taken over after {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(20, receiver.Requests.Count);
        Assert.Contains(survivor.Logs.Lines, l => l.Contains("gone-host:4242:deadbeef") && l.Contains("took over 20 deliveries"));
        await using var check = await survivor.CreateDbContextAsync();
        Assert.False(await check.ClusterNodes.AnyAsync(n => n.Id == "gone-host:4242:deadbeef"));
    }

    [PostgresFact]
    public async Task EachNodeShowsWithItsRoleWhileItRuns()
    {
        var web = StartNode("Web");
        var worker = StartNode("Worker");
        var cluster = web.Services.GetRequiredService<ClusterView>();
        var webId = web.Services.GetRequiredService<NodeHeartbeat>().NodeId;
        var workerId = worker.Services.GetRequiredService<NodeHeartbeat>().NodeId;

        await Wait.UntilAsync(async () => (await cluster.LiveNodesAsync()).Count == 2, what: "both nodes' heartbeats");
        var live = await cluster.LiveNodesAsync();
        Assert.Equal("Web", live.Single(n => n.Id == webId).Role);
        Assert.Equal("Worker", live.Single(n => n.Id == workerId).Role);

        nodes.Remove(worker);
        await worker.DisposeAsync();
        Assert.Equal([webId], (await cluster.LiveNodesAsync()).Select(n => n.Id));
    }

    [PostgresFact]
    public async Task TheApiLimitHoldsPerKeyAcrossTheNodes()
    {
        var limit = new Dictionary<string, string?> { ["Api:RequestsPerMinute"] = "6" };
        var web = StartNode("Web", limit);
        var other = StartNode("All", limit);
        await Wait.UntilAsync(() => Task.FromResult(
            web.Services.GetRequiredService<ClusterView>().ApiNodes == 2 && other.Services.GetRequiredService<ClusterView>().ApiNodes == 2),
            what: "both nodes to see each other");

        var statuses = new List<HttpStatusCode>();
        foreach (var node in new[] { web, other, web, other, web, other, web, other })
        {
            using var api = node.ApiClient();
            statuses.Add((await api.GetAsync("/api/v1/redemptions")).StatusCode);
        }

        Assert.Equal(6, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
