using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Operations;

/// <summary>The "Health" section: what readiness tolerates.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>
    /// A node that runs the engine is not ready while a delivery has been due for longer than this: the engine is stuck
    /// or far behind. Past a lease (5.5 minutes at the default timeout) a dead node's work is taken over, so the default
    /// leaves room for that.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan MaxDueAge { get; set; } = TimeSpan.FromMinutes(10);
}
