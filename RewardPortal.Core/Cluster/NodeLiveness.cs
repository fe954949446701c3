namespace RewardPortal.Core.Cluster;

/// <summary>Which nodes count as alive, from their last heartbeat: the one rule the page, the limits and the take-over share.</summary>
public static class NodeLiveness
{
    public static bool IsAlive(DateTime lastSeenAt, DateTime now, TimeSpan deadAfter) => now - lastSeenAt <= deadAfter;

    /// <summary>Nodes that answer the API: each keeps its share of a cluster-wide limit.</summary>
    public static bool ServesApi(string role) => role is "All" or "Web";

    /// <summary>
    /// This node's share of a limit the cluster holds together: the limit split evenly among the nodes that serve the
    /// API, rounded down so that the nodes together never allow more than the limit (but at least one each).
    /// </summary>
    public static int ShareOf(int limit, int apiNodes) => Math.Max(1, limit / Math.Max(1, apiNodes));
}
