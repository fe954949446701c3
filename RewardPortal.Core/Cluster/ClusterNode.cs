namespace RewardPortal.Core.Cluster;

/// <summary>A running process of the app, as its heartbeats show it. The row goes when the node stops or is found dead.</summary>
public class ClusterNode
{
    /// <summary>The node's name, as its delivery leases carry it (machine, process and a random part).</summary>
    public required string Id { get; set; }
    /// <summary>Node:Role: All, Web or Worker.</summary>
    public required string Role { get; set; }
    public required string MachineName { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
