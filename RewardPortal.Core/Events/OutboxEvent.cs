using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Events;

/// <summary>
/// Something that happened, with the payload every delivery of it sends. Written in the same transaction as the change
/// it describes, together with its deliveries: the outbox.
/// </summary>
public class OutboxEvent
{
    public long Id { get; set; }
    public required string Type { get; set; }
    public DateTime OccurredAt { get; set; }
    /// <summary>The JSON body's "data" object, frozen at the time of the event so that retries send the same bytes.</summary>
    public required string DataJson { get; set; }
    public long? RedemptionId { get; set; }
    public long? ParticipantId { get; set; }
    public long? RewardId { get; set; }
    public RewardType? RewardType { get; set; }
    /// <summary>The campaign a points or membership event happened in; a redemption's campaigns are its reward's.</summary>
    public long? CampaignId { get; set; }
    /// <summary>
    /// The W3C trace context (traceparent) the event was recorded in, if any: each delivery attempt's span is its child,
    /// so a trace shows the request, its transaction and every attempt together.
    /// </summary>
    public string? TraceParent { get; set; }
}
