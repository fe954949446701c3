namespace RewardPortal.Core.Deliveries;

/// <summary>What one attempt found out: recorded as a <see cref="DeliveryAttempt"/> and used to decide what comes next.</summary>
public sealed record AttemptResult(DateTime StartedAt, int DurationMs, bool Succeeded, int? StatusCode, string? ResponseExcerpt, string? Error)
{
    /// <summary>The receiver asked not to be called again before this much time (Retry-After).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The receiver answered 410 Gone: the endpoint is no more.</summary>
    public bool Gone => StatusCode == 410;

    /// <summary>Retrying cannot help (the notification was deleted, an email has no recipients left...).</summary>
    public bool Permanent { get; init; }

    /// <summary>The trace the attempt was sent in, when something listens to the app's spans.</summary>
    public string? TraceId { get; init; }

    public static AttemptResult NotSent(DateTime at, string error, bool permanent) => new(at, 0, false, null, null, error) { Permanent = permanent };
}
