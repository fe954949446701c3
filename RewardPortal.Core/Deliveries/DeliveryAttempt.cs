namespace RewardPortal.Core.Deliveries;

public class DeliveryAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public DateTime StartedAt { get; set; }
    public int DurationMs { get; set; }
    public bool Succeeded { get; set; }
    public int? StatusCode { get; set; }
    /// <summary>The first kilobytes of the response body.</summary>
    public string? ResponseExcerpt { get; set; }
    public string? Error { get; set; }
    /// <summary>The trace the attempt was sent in (32 hex digits), when tracing is on.</summary>
    public string? TraceId { get; set; }
}
