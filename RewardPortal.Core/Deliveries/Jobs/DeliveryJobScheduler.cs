using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// Puts drain jobs in Hangfire, coalesced: thousands of signals make one queued job, and scheduled wake-ups for retries
/// are bucketed so that an outage's retries make a handful of jobs, not one each. Hangfire is resolved lazily, so that
/// hosts without it (component tests, tools) can still use the services that signal.
/// </summary>
public sealed class DeliveryJobScheduler(IServiceProvider services, TimeProvider clock, ILogger<DeliveryJobScheduler> logger) : IRetryWakeUps
{
    /// <summary>Retries due sooner than this are left to the running dispatcher, which waits for them itself.</summary>
    public static readonly TimeSpan ScheduleThreshold = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RequeueAfter = TimeSpan.FromSeconds(5);

    private readonly SortedSet<DateTime> scheduled = [];
    private long drainQueuedAt = -1;

    /// <summary>Queues a drain job unless one is queued and not yet started (or it has waited too long to trust).</summary>
    public void RequestDrain()
    {
        var now = clock.GetTimestamp();
        var queuedAt = Interlocked.Read(ref drainQueuedAt);
        if (queuedAt >= 0 && clock.GetElapsedTime(queuedAt, now) < RequeueAfter)
            return;
        if (Interlocked.CompareExchange(ref drainQueuedAt, now, queuedAt) != queuedAt)
            return;
        if (Client() is { } client)
            client.Enqueue<DeliveryDrainJob>(job => job.RunAsync(CancellationToken.None));
    }

    /// <summary>Called by the drain job as it starts: the next signal may queue another.</summary>
    public void DrainStarted() => Interlocked.Exchange(ref drainQueuedAt, -1);

    /// <summary>Schedules a drain for when a retry falls due, so that a node restart or a lost wake-up delays nothing.</summary>
    public void WakeAt(DateTime at)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (at - now < ScheduleThreshold)
            return;
        var bucket = new DateTime((at.Ticks + Bucket.Ticks - 1) / Bucket.Ticks * Bucket.Ticks, DateTimeKind.Utc);
        lock (scheduled)
        {
            scheduled.RemoveWhere(t => t < now);
            if (!scheduled.Add(bucket))
                return;
        }
        if (Client() is { } client)
            client.Schedule<DeliveryDrainJob>(job => job.RunAsync(CancellationToken.None), new DateTimeOffset(bucket));
    }

    private IBackgroundJobClient? Client()
    {
        try
        {
            return services.GetService<IBackgroundJobClient>();
        }
        catch (InvalidOperationException e)
        {
            logger.LogDebug(e, "Hangfire is not configured here; the dispatcher's own wake-ups carry on.");
            return null;
        }
    }
}
