namespace RewardPortal.Web.Extensions;

/// <summary>What this process does when several share one database: serve people, run jobs, or both.</summary>
public enum NodeRole { All, Web, Worker }

public class NodeOptions
{
    public const string Section = "Node";
    public NodeRole Role { get; set; } = NodeRole.All;
}
