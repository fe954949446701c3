using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Deliveries;

/// <summary>One notification of one event: the durable record of what must be sent, and of every attempt.</summary>
public class Delivery
{
    public long Id { get; set; }
    public long EventId { get; set; }
    public OutboxEvent? Event { get; set; }
    public long NotificationId { get; set; }
    public Notification? Notification { get; set; }
    /// <summary>The webhook-id header: stable across retries, the receiver's idempotency key.</summary>
    public required string MessageId { get; set; }
    public DeliveryStatus Status { get; set; }
    public int AttemptCount { get; set; }
    public DateTime NextAttemptAt { get; set; }
    /// <summary>A node that claims the delivery holds it until then; after that another node may take it over.</summary>
    public DateTime? LeasedUntil { get; set; }
    public string? LeasedBy { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public List<DeliveryAttempt> Attempts { get; set; } = [];
}
