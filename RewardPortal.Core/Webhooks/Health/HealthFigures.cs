namespace RewardPortal.Core.Webhooks;

/// <summary>
/// The health figures and the auto-disable rule as pure functions of a webhook's recent attempts, so that the
/// screens, the API and the recurring job agree, and the edges are tested without a host.
/// </summary>
public static class HealthFigures
{
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);
    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>Svix's rule: an endpoint that has failed every attempt for five days is turned off.</summary>
    public static readonly TimeSpan DisableAfter = TimeSpan.FromDays(5);

    /// <summary>Below this share of successful attempts in 24 hours a webhook counts as degraded.</summary>
    public const double DegradedBelow = 0.95;

    /// <param name="attempts">The attempts of the last 7 days, in the order they were made.</param>
    public static EndpointHealth Compute(IReadOnlyList<AttemptPoint> attempts, DateTime now)
    {
        if (attempts.Count == 0)
            return EndpointHealth.None;
        var dayAgo = now - Day;
        int day = 0, daySucceeded = 0, weekSucceeded = 0, consecutive = 0;
        DateTime? failingSince = null, lastFailure = null, lastSuccess = null;
        var durations = new List<int>();
        foreach (var attempt in attempts)
        {
            if (attempt.Succeeded)
            {
                weekSucceeded++;
                consecutive = 0;
                failingSince = null;
                lastSuccess = attempt.At;
            }
            else
            {
                consecutive++;
                failingSince ??= attempt.At;
                lastFailure = attempt.At;
            }
            if (attempt.At >= dayAgo)
            {
                day++;
                durations.Add(attempt.DurationMs);
                if (attempt.Succeeded)
                    daySucceeded++;
            }
        }
        return new EndpointHealth(
            day, day == 0 ? null : (double)daySucceeded / day,
            attempts.Count, (double)weekSucceeded / attempts.Count,
            Percentile(durations, 0.95), consecutive, failingSince, lastFailure, lastSuccess);
    }

    /// <summary>
    /// No success in five days, and failures spanning at least five days: the first failure since the last success
    /// and the latest are five days apart. A webhook with too little traffic to show that stays on.
    /// </summary>
    public static bool ShouldDisable(EndpointHealth health) =>
        health is { FailingSince: { } first, LastFailureAt: { } last } && last - first >= DisableAfter;

    public static EndpointState State(EndpointHealth health, bool isEnabled) => health switch
    {
        _ when !isEnabled => EndpointState.Disabled,
        { Attempts7d: 0 } => EndpointState.Idle,
        { ConsecutiveFailures: > 0 } => EndpointState.Failing,
        { SuccessRate24h: < DegradedBelow } => EndpointState.Degraded,
        _ => EndpointState.Healthy,
    };

    /// <summary>Nearest-rank percentile: a duration that was really measured, never an interpolation.</summary>
    internal static int? Percentile(List<int> values, double percentile)
    {
        if (values.Count == 0)
            return null;
        values.Sort();
        var rank = (int)Math.Ceiling(percentile * values.Count);
        return values[Math.Clamp(rank, 1, values.Count) - 1];
    }
}
