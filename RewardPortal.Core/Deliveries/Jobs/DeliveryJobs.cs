using Hangfire;
using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// The Hangfire job that gets due deliveries going on the worker that runs it: it wakes the dispatcher and waits until
/// everything due is claimed. Safe to run any number of times; the rows say what is due.
/// </summary>
public sealed class DeliveryDrainJob(DeliveryDispatcher dispatcher, DeliveryJobScheduler scheduler)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        scheduler.DrainStarted();
        if (!dispatcher.IsRunning)
            return;
        await dispatcher.DrainAsync(cancellationToken);
    }
}

/// <summary>
/// Every minute (recurring job "deliveries-sweep"): clears leases that ran out, because their node died, and wakes the
/// dispatcher so that due and taken-over deliveries go out even if every signal was lost.
/// </summary>
public sealed class DeliverySweepJob(DeliveryDispatcher dispatcher)
{
    public const string RecurringJobId = "deliveries-sweep";

    [AutomaticRetry(Attempts = 0)]
    public Task RunAsync(CancellationToken cancellationToken) => dispatcher.SweepAsync(cancellationToken);
}
