using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Cluster;

public class ClusterOptions
{
    public const string Section = "Node";

    /// <summary>All, Web or Worker, as the host read Node:Role; recorded with the node's heartbeat.</summary>
    public string Role { get; set; } = "All";

    /// <summary>How often each node records that it is alive.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node silent this long is taken for dead: its deliveries go to the others. Several missed beats, so a pause is not a death.</summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(30);
}
