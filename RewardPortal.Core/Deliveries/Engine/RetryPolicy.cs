using Microsoft.Extensions.Options;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// What follows an attempt: success, another attempt after the schedule's next delay (with jitter, and not before the
/// receiver's Retry-After), or failure once the schedule is used up or retrying cannot help.
/// </summary>
public sealed class RetryPolicy(IOptions<WebhookOptions> options)
{
    /// <summary>Spread of the jitter around each delay, so that retries after an outage do not all land at once.</summary>
    public const double Jitter = 0.2;

    /// <param name="attemptNumber">1 for the first attempt.</param>
    public (DeliveryStatus Status, DateTime NextAttemptAt) Decide(int attemptNumber, AttemptResult result, DateTime now)
    {
        if (result.Succeeded)
            return (DeliveryStatus.Succeeded, now);
        var schedule = options.Value.Schedule;
        if (result.Permanent || result.Gone || attemptNumber >= schedule.Count)
            return (DeliveryStatus.Failed, now);

        var delay = schedule[attemptNumber] * (1 - Jitter + 2 * Jitter * Random.Shared.NextDouble());
        if (result.RetryAfter is { } retryAfter)
        {
            var asked = retryAfter < options.Value.MaxRetryAfter ? retryAfter : options.Value.MaxRetryAfter;
            if (asked > delay)
                delay = asked;
        }
        return (DeliveryStatus.Pending, now + delay);
    }
}
