using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Core.Cluster;

/// <summary>
/// Every node records that it is alive (<see cref="ClusterOptions.HeartbeatInterval"/>) under the name its delivery
/// leases carry. Each beat also looks for nodes silent past <see cref="ClusterOptions.DeadAfter"/>: their leased
/// deliveries are made claimable again at once (instead of when the leases run out, minutes later) and their rows go.
/// A node that was only paused finds its outcomes refused (its leases are gone) and those deliveries are sent again,
/// with the same webhook-id: at least once, never lost.
/// </summary>
public sealed class NodeHeartbeat(
    IDbContextFactory<RewardPortalDbContext> dbFactory, DeliveryDispatcher dispatcher, ClusterView view, IOptions<ClusterOptions> options,
    TimeProvider clock, ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private readonly DateTime startedAt = clock.GetUtcNow().UtcDateTime;
    private bool failing;

    public string NodeId => dispatcher.Node;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, clock);
        do
        {
            try
            {
                await BeatAsync(stopping);
                await TakeOverDeadNodesAsync(stopping);
                if (failing)
                    logger.LogInformation("Node {Node} records its heartbeat again.", NodeId);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                if (!failing)
                    logger.LogWarning(e, "Node {Node} could not record its heartbeat; trying again every {Interval}.", NodeId, options.Value.HeartbeatInterval);
                failing = true;
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    /// <summary>
    /// The last beat and the heartbeat's removal are a courtesy (a silent node drops out anyway): on a database another
    /// process holds, they may not hold up the stop.
    /// </summary>
    public static readonly TimeSpan StopBound = TimeSpan.FromSeconds(2);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await BoundedStop.WithinAsync(StopThenRemoveAsync(cancellationToken), StopBound))
            logger.LogWarning("Node {Node} could not remove its heartbeat within {Bound}; it drops out of the list after {DeadAfter}.",
                NodeId, StopBound, options.Value.DeadAfter);
    }

    private async Task StopThenRemoveAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await RemoveAsync(cancellationToken);
    }

    private async Task RemoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.ClusterNodes.Where(n => n.Id == NodeId).ExecuteDeleteAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // The removal outlasted StopBound and the host disposed the app's services under it: the stop, not a fault.
            logger.LogInformation("Node {Node} did not remove its heartbeat: the app stopped first. It drops out of the list after {DeadAfter}.",
                NodeId, options.Value.DeadAfter);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Node {Node} could not remove its heartbeat; it drops out of the list after {DeadAfter}.", NodeId, options.Value.DeadAfter);
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var updated = await db.ClusterNodes.Where(n => n.Id == NodeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.LastSeenAt, now), cancellationToken);
        if (updated > 0)
            return;
        // The first beat, or the others took this node for dead during a long pause: it is back.
        db.ClusterNodes.Add(new ClusterNode
        {
            Id = NodeId, Role = options.Value.Role, MachineName = Environment.MachineName, StartedAt = startedAt, LastSeenAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task TakeOverDeadNodesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var nodes = await db.ClusterNodes.AsNoTracking().ToListAsync(cancellationToken);
        var live = nodes.Where(n => NodeLiveness.IsAlive(n.LastSeenAt, now, options.Value.DeadAfter)).ToList();
        view.Seen(live);
        foreach (var dead in nodes.Except(live))
        {
            var prefix = dead.Id + "#";
            var taken = await db.Deliveries
                .Where(d => d.Status == DeliveryStatus.Pending && d.LeasedBy != null && d.LeasedBy.StartsWith(prefix))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedBy, (string?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null), cancellationToken);
            // Only the beat that was seen: a node that came back meanwhile keeps its row.
            await db.ClusterNodes.Where(n => n.Id == dead.Id && n.LastSeenAt == dead.LastSeenAt).ExecuteDeleteAsync(cancellationToken);
            logger.LogWarning("Node {Node} ({Role}) has not been seen since {LastSeen:u}; took over {Count} deliveries it held.",
                dead.Id, dead.Role, dead.LastSeenAt, taken);
            if (taken > 0 && dispatcher.IsRunning)
                dispatcher.Wake();
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
