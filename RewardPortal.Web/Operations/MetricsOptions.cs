namespace RewardPortal.Web.Operations;

/// <summary>The "Metrics" section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// Serve a Prometheus scrape endpoint at <c>/metrics</c>, open to anyone who reaches the node: turn it on where only
    /// the scraper can (a private network, or a reverse proxy that keeps <c>/metrics</c> to itself).
    /// </summary>
    public bool Prometheus { get; set; }
}
