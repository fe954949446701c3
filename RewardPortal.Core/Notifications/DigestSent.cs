namespace RewardPortal.Core.Notifications;

/// <summary>
/// A daily digest that has been dealt with: written in the transaction that queues its email (or, on a day with nothing
/// to list, alone), and unique per notification and day, so that no two runs, on one node or several, send it twice.
/// </summary>
public class DigestSent
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    /// <summary>The day, in the program's time zone, the digest is sent on.</summary>
    public DateOnly Day { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    /// <summary>How many redemption events it listed; 0 means nothing was sent.</summary>
    public int EventCount { get; set; }
    public DateTime SentAt { get; set; }
}
