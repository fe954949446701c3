using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Operations;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// What a committed turn's outcomes call for outside its transaction: the wake-up for the next retry, and the alerts
/// for deliveries that failed for good and for webhooks turned off. Alerts run beside the loop; stopping waits for them.
/// </summary>
internal sealed class TurnFollowUps(IRetryWakeUps scheduler, DeliveryFailureAlerts alerts, ILogger logger)
{
    private readonly ConcurrentDictionary<Task, bool> running = new();

    public void After(WrittenOutcomes written)
    {
        if (written.NextRetry is { } at)
            scheduler.WakeAt(at);
        foreach (var (notificationId, turnedOffAt) in written.TurnedOff)
            Track(alerts.WebhookGoneAsync(notificationId, turnedOffAt));
        if (written.Failed.Count > 0)
        {
            foreach (var failed in written.Failed)
                using (LogScopes.Delivery(logger, failed.DeliveryId, failed.MessageId))
                    logger.LogWarning("Delivery {DeliveryId} failed for good: {Error}", failed.DeliveryId, failed.Error);
            Track(alerts.DeliveriesFailedAsync(written.Failed.Select(f => (f.NotificationId, f.Error)).ToList()));
        }
    }

    public Task WhenDoneAsync() => Task.WhenAll(running.Keys);

    private void Track(Task task)
    {
        running[task] = true;
        task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }
}
