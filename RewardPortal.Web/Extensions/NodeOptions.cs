namespace RewardPortal.Web.Extensions;

/// <summary>What this process does when several share one database: serve people, run jobs, or both.</summary>
public enum NodeRole { All, Web, Worker }

public class NodeOptions
{
    public const string Section = "Node";
    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>Read once, when the services are added, and registered as a singleton for the rest of the start.</summary>
    public static NodeOptions Read(IConfiguration configuration) => configuration.GetSection(Section).Get<NodeOptions>() ?? new();
}
