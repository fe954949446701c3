using RewardPortal.Core.Email;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

/// <summary>A claimed delivery with what it needs to be sent: the event's type, time and frozen data (its JSON, as UTF-8).</summary>
internal sealed record DeliveryWork(
    long Id, string MessageId, int AttemptCount, long NotificationId, string EventType, DateTime OccurredAt, byte[] Data,
    string Lease, DateTime LeasedUntil);

/// <summary>Where a notification's deliveries go, read once per claim so that edits and rotations apply at once.</summary>
internal sealed record DeliveryTarget(
    long Id, NotificationChannel Channel, string? Url, string? Secret, string? PreviousSecret, DateTime? PreviousSecretExpiresAt,
    bool IsDeleted, List<EmailRecipient> Recipients)
{
    /// <summary>The secrets that sign now: the current one, and the previous one until its 24 hours are over.</summary>
    public IReadOnlyList<string> Secrets(DateTime now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret!, PreviousSecret] : [Secret!];
}
