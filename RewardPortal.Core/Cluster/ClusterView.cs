using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Cluster;

/// <summary>The nodes alive now, as their heartbeats show: read fresh for the Owner, and kept from the last beat for the API's limits.</summary>
public sealed class ClusterView(IDbContextFactory<RewardPortalDbContext> dbFactory, IOptions<ClusterOptions> options, TimeProvider clock)
{
    private volatile int apiNodes = 1;

    /// <summary>Nodes that answer the API, as of this node's last heartbeat (at least this one).</summary>
    public int ApiNodes => apiNodes;

    public async Task<List<ClusterNode>> LiveNodesAsync(CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow().UtcDateTime - options.Value.DeadAfter;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ClusterNodes.AsNoTracking().Where(n => n.LastSeenAt >= since)
            .OrderBy(n => n.Role).ThenBy(n => n.StartedAt).ToListAsync(cancellationToken);
    }

    internal void Seen(IEnumerable<ClusterNode> live) => apiNodes = Math.Max(1, live.Count(n => NodeLiveness.ServesApi(n.Role)));
}
