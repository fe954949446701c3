using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// The engine on a worker node. It claims due deliveries in batches under a lease, sends them with bounded concurrency
/// overall and per endpoint (a slow receiver holds up only its own lane), claims more as soon as room frees up, and
/// records outcomes in batched writes. It sleeps until a commit wakes it (<see cref="IDeliverySignal"/>), a retry falls
/// due or a Hangfire drain/sweep job nudges it. The rows are the record: stopping loses nothing, and unfinished
/// deliveries are picked up again on start.
/// </summary>
public sealed class DeliveryDispatcher : BackgroundService
{
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<RewardPortalDbContext> dbFactory;
    private readonly IServiceProvider services;
    private readonly RetryPolicy policy;
    private readonly DeliveryFailureAlerts alerts;
    private readonly DeliveryJobScheduler scheduler;
    private readonly IMailTransport mail;
    private readonly NotificationEmailComposer composer;
    private readonly WebhookOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<DeliveryDispatcher> logger;
    private readonly DeliveryStore store;
    private readonly SemaphoreSlim sending;
    private readonly ConcurrentDictionary<long, Lane> lanes = new();
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource passDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int outstanding;
    private volatile bool running;

    public DeliveryDispatcher(
        IDbContextFactory<RewardPortalDbContext> dbFactory, IServiceProvider services, RetryPolicy policy, DeliveryFailureAlerts alerts,
        DeliveryJobScheduler scheduler, IMailTransport mail, NotificationEmailComposer composer, IOptions<WebhookOptions> options,
        TimeProvider clock, ILogger<DeliveryDispatcher> logger)
    {
        (this.dbFactory, this.services, this.policy, this.alerts, this.scheduler) = (dbFactory, services, policy, alerts, scheduler);
        (this.mail, this.composer, this.options, this.clock, this.logger) = (mail, composer, options.Value, clock, logger);
        store = new DeliveryStore(dbFactory, clock);
        sending = new SemaphoreSlim(this.options.MaxConcurrency);
    }

    /// <summary>Names this process's leases: machine, process and a random part, unique per start.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsRunning => running;

    /// <summary>Claimed deliveries not yet finished on this node.</summary>
    public int Outstanding => Volatile.Read(ref outstanding);

    // Claim up to twice the send concurrency, so the next sends are ready; claim again once half of that is done.
    private int HighWater => options.MaxConcurrency * 2;
    private int LowWater => options.MaxConcurrency;
    private int LaneCapacity => options.MaxConcurrencyPerEndpoint * 4;

    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Wakes the dispatcher and waits until a pass finds nothing more due (everything due has been claimed).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var pass = Volatile.Read(ref passDone);
        Wake();
        try
        {
            await pass.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        }
        catch (TimeoutException)
        {
            // Under a steady stream there is always more; the dispatcher carries on by itself.
        }
    }

    /// <summary>The every-minute sweep: takes over deliveries whose lease ran out and wakes the dispatcher.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var taken = await store.ClearExpiredLeasesAsync(cancellationToken);
        if (taken > 0)
            logger.LogWarning("Took over {Count} deliveries whose lease ran out (their node stopped without giving them back).", taken);
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        var recorder = new DeliveryRecorder(dbFactory, policy, alerts, scheduler, clock, logger, Wake);
        var email = new EmailLane(mail, composer, clock, logger);
        var recording = recorder.RunAsync();
        var emailing = email.RunAsync(stopping);
        running = true;
        logger.LogInformation("Delivery engine running as {Node}: {Concurrency} sends at once, {PerEndpoint} per endpoint, timeout {Timeout}.",
            Node, options.MaxConcurrency, options.MaxConcurrencyPerEndpoint, options.Timeout);
        try
        {
            await PumpAsync(recorder, email, stopping);
        }
        finally
        {
            running = false;
            await WaitForOutstandingAsync();
            email.Complete();
            await emailing;
            recorder.Complete();
            await recording;
            await ReleaseLeasesAsync();
            passDone.TrySetResult();
        }
    }

    private async Task PumpAsync(DeliveryRecorder recorder, EmailLane email, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var capacity = HighWater - Outstanding;
                if (capacity > 0 && await ClaimAndStartAsync(capacity, recorder, email, stopping) > 0)
                    continue;
                if (capacity > 0)
                    Interlocked.Exchange(ref passDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                await WaitForWakeAsync(capacity > 0 ? await UntilNextDueAsync(stopping) : MaxIdle, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The delivery dispatcher hit an error; it carries on in two seconds.");
                await WaitForWakeAsync(TimeSpan.FromSeconds(2), stopping);
            }
        }
    }

    private async Task<int> ClaimAndStartAsync(int capacity, DeliveryRecorder recorder, EmailLane email, CancellationToken stopping)
    {
        var (work, targets) = await store.ClaimAsync(Node, Math.Min(capacity, LaneCapacity), SaturatedLanes(), options.LeaseDuration, stopping);
        foreach (var item in work)
        {
            var target = targets[item.NotificationId];
            var lane = lanes.GetOrAdd(target.Id, _ => new Lane(options.MaxConcurrencyPerEndpoint));
            Interlocked.Increment(ref lane.Outstanding);
            Interlocked.Increment(ref outstanding);
            _ = RunAsync(item, target, lane, recorder, email, stopping);
        }
        return work.Count;
    }

    private List<long> SaturatedLanes() => lanes.Where(l => Volatile.Read(ref l.Value.Outstanding) >= LaneCapacity).Select(l => l.Key).ToList();

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken stopping)
    {
        var next = await store.NextDueAsync(SaturatedLanes(), stopping);
        if (next is null)
            return MaxIdle;
        var wait = next.Value - clock.GetUtcNow().UtcDateTime;
        return wait < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5) : wait > MaxIdle ? MaxIdle : wait;
    }

    private async Task WaitForWakeAsync(TimeSpan wait, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(wait);
        try
        {
            await wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(DeliveryWork work, DeliveryTarget target, Lane lane, DeliveryRecorder recorder, EmailLane email, CancellationToken stopping)
    {
        try
        {
            await Task.Yield();
            if (target.Channel == NotificationChannel.Email)
            {
                var result = target.IsDeleted ? Deleted() : await email.SendAsync(work, target);
                await recorder.RecordAsync(work, target, result);
                return;
            }
            await lane.Gate.WaitAsync(stopping);
            try
            {
                await sending.WaitAsync(stopping);
                try
                {
                    // Its turn may come late behind a slow receiver: send only while a whole attempt fits in the lease.
                    if (clock.GetUtcNow().UtcDateTime + options.Timeout + LeaseMargin > work.LeasedUntil)
                        await recorder.ReleaseAsync(work, target);
                    else
                        await recorder.RecordAsync(work, target, await SendWebhookAsync(work, target, stopping));
                }
                finally
                {
                    sending.Release();
                }
            }
            finally
            {
                lane.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the lease is given back below and the delivery goes out after the restart (or from another node).
        }
        catch (Exception e)
        {
            logger.LogError(e, "Delivery {DeliveryId} failed unexpectedly; it is sent again when its lease runs out.", work.Id);
        }
        finally
        {
            var laneLeft = Interlocked.Decrement(ref lane.Outstanding);
            var left = Interlocked.Decrement(ref outstanding);
            if (left == 0 || left == LowWater - 1 || laneLeft == LaneCapacity / 2 - 1)
                Wake();
        }
    }

    private async Task<AttemptResult> SendWebhookAsync(DeliveryWork work, DeliveryTarget target, CancellationToken stopping)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (target.IsDeleted)
            return Deleted();
        if (string.IsNullOrEmpty(target.Url) || string.IsNullOrEmpty(target.Secret))
            return AttemptResult.NotSent(now, "The webhook has no URL or no secret.", permanent: true);
        try
        {
            var sender = services.GetRequiredService<WebhookSender>();
            var body = WebhookBody.Compose(work.EventType, work.OccurredAt, work.DataJson);
            return await sender.SendAsync(new WebhookRequest(target.Url, work.MessageId, body, target.Secrets(now)), stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return AttemptResult.NotSent(now, e.Message, permanent: false);
        }
    }

    private AttemptResult Deleted() =>
        AttemptResult.NotSent(clock.GetUtcNow().UtcDateTime, "Not sent: the notification was deleted.", permanent: true);

    private async Task WaitForOutstandingAsync()
    {
        for (var waited = 0; Outstanding > 0 && waited < 300; waited++)
            await Task.Delay(100);
    }

    private async Task ReleaseLeasesAsync()
    {
        try
        {
            var released = await store.ReleaseNodeAsync(Node, CancellationToken.None);
            if (released > 0)
                logger.LogInformation("Gave back {Count} unfinished deliveries; they go out on the next start or from another node.", released);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not give back this node's leases; they run out by themselves within {Lease}.", options.LeaseDuration);
        }
    }

    private sealed class Lane(int concurrency)
    {
        public readonly SemaphoreSlim Gate = new(concurrency);
        public int Outstanding;
    }
}
