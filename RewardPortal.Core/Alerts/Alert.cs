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
    /// <summary>A mailer that took the alert to send holds it until then; if its node stops first, another sends it.</summary>
    public DateTime? MailClaimedUntil { get; set; }
    /// <summary>
    /// What the alert is about, unique: nodes that raise the same alert at the same moment (several engines on one
    /// PostgreSQL database) write one row, and the others update it. Null for alerts that need no such guard.
    /// </summary>
    public string? Key { get; set; }
}
