using System.Globalization;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// A delivery's state in the words a person needs: "Retrying · attempt 3 of 8 · next at 14:05" tells that it failed,
/// that it will go again, and when; "Pending" told none of it. Times are UTC, as on the rest of the page.
/// </summary>
public static class DeliveryStateText
{
    /// <param name="maxAttempts">The retry schedule's length: the attempts a delivery gets before it is failed.</param>
    public static string Describe(DeliveryStatus status, int attemptCount, DateTime nextAttemptAt, int maxAttempts, DateTime now) => status switch
    {
        DeliveryStatus.Succeeded => attemptCount <= 1 ? "Delivered" : $"Delivered · attempt {attemptCount}",
        DeliveryStatus.Failed => attemptCount == 1 ? "Failed · 1 attempt" : $"Failed · {attemptCount} attempts",
        _ when attemptCount == 0 => "Sending",
        _ when nextAttemptAt <= now => $"Retrying · attempt {attemptCount + 1} of {maxAttempts} · now",
        _ => $"Retrying · attempt {attemptCount + 1} of {maxAttempts} · next at {When(nextAttemptAt, now)}",
    };

    private static string When(DateTime at, DateTime now) =>
        at.ToString(at.Date == now.Date ? "HH:mm" : "MMM d HH:mm", CultureInfo.InvariantCulture);
}
