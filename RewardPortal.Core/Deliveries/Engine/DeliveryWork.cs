using RewardPortal.Core.Email;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// A claimed delivery with what it needs to be sent: the event's type and time, and its webhook body (composed once per
/// event when it is claimed, and shared by that event's deliveries) with the event's frozen data inside it.
/// </summary>
internal sealed record DeliveryWork(
    long Id, string MessageId, int AttemptCount, long NotificationId, string EventType, DateTime OccurredAt, EventBody Body,
    string Lease, DateTime LeasedUntil, EmailAudience? EmailedElsewhere = null, string? TraceParent = null);

/// <summary>The webhook body of one event and where the event's data (its JSON, as UTF-8) stands inside it.</summary>
internal sealed record EventBody(byte[] Bytes, int DataStart, int DataLength)
{
    public static EventBody Compose(string type, DateTime occurredAt, ReadOnlySpan<byte> dataUtf8)
    {
        var bytes = WebhookBody.Compose(type, occurredAt, dataUtf8);
        // The body is {head}{data}} : the data ends just before the closing brace.
        return new EventBody(bytes, bytes.Length - 1 - dataUtf8.Length, dataUtf8.Length);
    }

    public ReadOnlySpan<byte> Data => Bytes.AsSpan(DataStart, DataLength);
}

/// <summary>Where a notification's deliveries go, read once per claim so that edits and rotations apply at once.</summary>
internal sealed record DeliveryTarget(
    long Id, NotificationChannel Channel, string? Url, string? Secret, string? PreviousSecret, DateTime? PreviousSecretExpiresAt,
    bool IsDeleted, List<EmailRecipient> Recipients, bool NotifyParticipant = false, EmailTemplates? Templates = null)
{
    /// <summary>The secrets that sign now: the current one, and the previous one until its 24 hours are over.</summary>
    public IReadOnlyList<string> Secrets(DateTime now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret!, PreviousSecret] : [Secret!];
}
