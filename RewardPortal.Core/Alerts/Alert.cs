namespace RewardPortal.Core.Alerts;

public enum AlertSeverity { Info = 0, Warning = 1, Error = 2 }

/// <summary>An in-app notice for the Owner and Admins (failed deliveries, low stock).</summary>
public class Alert
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public AlertSeverity Severity { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }
    public string? Link { get; set; }
    /// <summary>Lowest role that sees it: Owner-only alerts (webhook failures) or Owner and Admin.</summary>
    public required string Audience { get; set; }
    public DateTime? DismissedAt { get; set; }
    /// <summary>When <see cref="AlertMailer"/> emailed it to its audience; null until then.</summary>
    public DateTime? EmailedAt { get; set; }
}
