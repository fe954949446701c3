namespace RewardPortal.Core.Webhooks;

/// <summary>One attempt as the health figures need it.</summary>
public readonly record struct AttemptPoint(DateTime At, bool Succeeded, int DurationMs);

/// <summary>How a webhook's receiver has answered lately; rates are null where there was no attempt to count.</summary>
/// <param name="ConsecutiveFailures">Failed attempts since the last success (within the last 7 days).</param>
/// <param name="FailingSince">The first of those failures; null while the last attempt succeeded.</param>
public sealed record EndpointHealth(
    int Attempts24h, double? SuccessRate24h, int Attempts7d, double? SuccessRate7d, int? P95Ms,
    int ConsecutiveFailures, DateTime? FailingSince, DateTime? LastFailureAt, DateTime? LastSuccessAt)
{
    public static readonly EndpointHealth None = new(0, null, 0, null, null, 0, null, null, null);
}

/// <summary>Where a webhook stands, worst first: the order the dashboard lists them in.</summary>
public enum EndpointState { Disabled = 0, Failing = 1, Degraded = 2, Healthy = 3, Idle = 4 }
