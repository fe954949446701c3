using System.Collections.Concurrent;
using System.Diagnostics;
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
using RewardPortal.Core.Operations;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries;

/// <summary>
/// The engine on a worker node. One loop owns the database side: each turn is one transaction that records the outcomes
/// finished since the last turn and claims due deliveries under a lease, as far as there is room. Sends run beside it
/// with bounded concurrency overall and per endpoint (a slow receiver holds up only its own lane), and report back
/// through a channel. The loop sleeps until a commit wakes it (<see cref="IDeliverySignal"/>), an attempt finishes, a
/// retry falls due, or a Hangfire drain or sweep job nudges it. The rows are the record: stopping loses nothing, and
/// unfinished deliveries are picked up again on start.
/// </summary>
public sealed class DeliveryDispatcher : BackgroundService
{
    private const int MaxOutcomesPerTurn = 1000;
    private static readonly TimeSpan OutcomeDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan SafetyWake = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);
    // Within the host's shutdown timeout (30 s by default), which the services stopping after this one share.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private readonly IDbContextFactory<RewardPortalDbContext> dbFactory;
    private readonly SqliteWriteGate gate;
    private readonly IServiceProvider services;
    private readonly DeliveryFailureAlerts alerts;
    private readonly DeliveryJobScheduler scheduler;
    private readonly IMailTransport mail;
    private readonly NotificationEmailComposer composer;
    private readonly WebhookOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<DeliveryDispatcher> logger;
    private readonly DeliveryStore store;
    private readonly OutcomeWriter writer;
    private readonly PortalMetrics metrics;
    private readonly ConcurrentQueue<Lane> waitingLanes = new();
    private readonly ConcurrentDictionary<long, Lane> lanes = new();
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<Outcome> outcomes = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> afterCommit = new();
    private TaskCompletionSource passDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int outstanding;
    private int workers;
    private int waitingOutcomes;
    private volatile bool running;

    public DeliveryDispatcher(
        IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate, IServiceProvider services, RetryPolicy policy, DeliveryFailureAlerts alerts,
        DeliveryJobScheduler scheduler, IMailTransport mail, NotificationEmailComposer composer, IOptions<WebhookOptions> options,
        TimeProvider clock, PortalMetrics metrics, ILogger<DeliveryDispatcher> logger)
    {
        (this.dbFactory, this.gate, this.services, this.alerts, this.scheduler, this.mail) = (dbFactory, gate, services, alerts, scheduler, mail);
        (this.composer, this.options, this.clock, this.logger) = (composer, options.Value, clock, logger);
        store = new DeliveryStore(dbFactory, clock);
        writer = new OutcomeWriter(policy, clock, metrics);
        this.metrics = metrics;
    }

    /// <summary>Names this process's leases: machine, process and a random part, unique per start.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsRunning => running;

    /// <summary>Claimed deliveries not yet finished on this node.</summary>
    public int Outstanding => Volatile.Read(ref outstanding);

    private int HighWater => options.MaxConcurrency * WebhookOptions.RoundsClaimedAhead;
    private int LaneCapacity => options.MaxConcurrencyPerEndpoint * WebhookOptions.RoundsClaimedAhead;
    // Outcomes are recorded in batches as large as a claim, never later than OutcomeDelay: fewer, larger turns spread a
    // commit's cost over more rows (a 20,000 drain in 140 turns instead of 390 spent 40 % less time committing).
    private int OutcomeBatch => HighWater / 2;

    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Wakes the dispatcher and waits until a turn finds nothing more due (everything due has been claimed).</summary>
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
        SqliteEngineLock? engineLock;
        try
        {
            engineLock = await TakeOverSqliteAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            passDone.TrySetResult();
            return;
        }
        using var held = engineLock;
        var email = new EmailLane(mail, composer, clock, metrics, logger);
        var emailing = email.RunAsync(stopping);
        running = true;
        logger.LogInformation("Delivery engine running as {Node}: {Concurrency} sends at once, {PerEndpoint} per endpoint, timeout {Timeout}.",
            Node, options.MaxConcurrency, options.MaxConcurrencyPerEndpoint, options.Timeout);
        try
        {
            await using var database = new EngineDatabase(dbFactory, gate, logger);
            await LoopAsync(database, email, stopping);
        }
        finally
        {
            running = false;
            email.Complete();
            await emailing;
            await Task.WhenAll(afterCommit.Keys);
            await ReleaseLeasesAsync();
            passDone.TrySetResult();
            logger.LogInformation("Delivery engine {Node} stopped.", Node);
        }
    }

    /// <summary>
    /// On SQLite, waits for the database's engine lock (<see cref="SqliteEngineLock"/>), then takes back every lease:
    /// with the lock held, any lease in the file is an engine's that is gone (a crash, a kill), and its deliveries go
    /// out now instead of when the lease runs out. On PostgreSQL, where nodes share the work, leases run out as usual.
    /// </summary>
    private async Task<SqliteEngineLock?> TakeOverSqliteAsync(CancellationToken stopping)
    {
        string? path;
        await using (var db = await dbFactory.CreateDbContextAsync(stopping))
            path = db.Database.IsSqlite() ? SqliteEngineLock.PathFor(db.Database.GetConnectionString()!) : null;
        if (path is null)
            return null;
        var engineLock = await SqliteEngineLock.AcquireAsync(path, logger, stopping);
        try
        {
            var taken = await store.ReleaseAllAsync(stopping);
            if (taken > 0)
                logger.LogWarning("Took back {Count} deliveries claimed by an engine that stopped without giving them back; they go out now.", taken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a head start: the engine runs anyway, and those deliveries go out when their leases run out.
            logger.LogWarning(e, "Could not take back the leases of an engine that stopped; its deliveries go out when the leases run out.");
        }
        catch
        {
            engineLock.Dispose();
            throw;
        }
        return engineLock;
    }

    private async Task LoopAsync(EngineDatabase database, EmailLane email, CancellationToken stopping)
    {
        var batch = new List<Outcome>(MaxOutcomesPerTurn);
        var batchSince = 0L;
        var failures = 0;
        var stopDeadline = DateTime.MaxValue;
        while (true)
        {
            var read = 0;
            while (batch.Count < MaxOutcomesPerTurn && outcomes.Reader.TryRead(out var outcome))
            {
                if (batch.Count == 0)
                    batchSince = Stopwatch.GetTimestamp();
                batch.Add(outcome);
                read++;
            }
            Interlocked.Add(ref waitingOutcomes, -read);
            var isStopping = stopping.IsCancellationRequested;
            if (isStopping)
            {
                // Stopping: no more claims; record what the cancelled sends still report, then give the leases back.
                stopDeadline = stopDeadline == DateTime.MaxValue ? DateTime.UtcNow + StopGrace : stopDeadline;
                if (batch.Count == 0 && Outstanding == 0)
                    return;
                if (DateTime.UtcNow > stopDeadline)
                {
                    logger.LogWarning("Stopped with {Outstanding} sends unfinished and {Unrecorded} outcomes unrecorded after {Grace}; those deliveries go out again.",
                        Outstanding, batch.Count, StopGrace);
                    return;
                }
            }

            // Claim at once while the senders could run short; otherwise wait until a good batch fits, and record outcomes
            // in batches too (a few milliseconds late at most), so that turns stay few and large under load. Whether
            // anything is due is read first, outside any transaction.
            var capacity = isStopping ? 0 : HighWater - Outstanding;
            var wantClaim = capacity > 0 && (Outstanding < options.MaxConcurrency || capacity >= HighWater / 2);
            var waited = batch.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(batchSince);
            DateTime? nextDue = null;
            var claim = false;
            try
            {
                if (wantClaim)
                {
                    nextDue = await NextDueAsync(database, stopping);
                    claim = nextDue <= clock.GetUtcNow().UtcDateTime;
                }
                var record = batch.Count > 0 && (claim || isStopping || batch.Count >= OutcomeBatch || waited >= OutcomeDelay);
                if (claim || record)
                {
                    var claimed = await TurnAsync(database, record ? batch : [], claim ? ClaimSize(capacity) : 0, email, stopping);
                    failures = 0;
                    var recorded = record ? batch.Count : 0;
                    if (record)
                        batch.Clear();
                    if (claimed > 0 || recorded > 0)
                        continue;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                await database.ResetAsync();
                // The outcomes stay in the batch for the next turn; after repeated failures they are dropped and
                // their deliveries go out again when the leases run out (at least once, never lost).
                if (++failures >= 5)
                {
                    logger.LogError(e, "Could not record {Count} delivery outcomes after {Failures} tries; they are sent again when their leases run out.",
                        batch.Count, failures);
                    batch.Clear();
                    failures = 0;
                }
                else
                {
                    logger.LogWarning(e, "A delivery engine turn failed (try {Failures}); trying again in a second.", failures);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            var nothingDue = wantClaim && !claim;
            if (nothingDue)
                Interlocked.Exchange(ref passDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

            var wait = isStopping ? TimeSpan.FromMilliseconds(50)
                : batch.Count > 0 ? OutcomeDelay - waited
                : nothingDue ? UntilDue(nextDue)
                : MaxIdle;
            // Sends wake the loop only when it has something to do (see RunAsync); this is the safety net.
            if (Outstanding > 0 && wait > SafetyWake)
                wait = SafetyWake;
            await WaitForWakeAsync(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, stopping);
        }
    }

    /// <summary>One transaction: record the batch, claim up to <paramref name="capacity"/>; after the commit, start the sends.</summary>
    private async Task<int> TurnAsync(EngineDatabase database, List<Outcome> batch, int capacity, EmailLane email, CancellationToken stopping)
    {
        var db = await database.ContextAsync(CancellationToken.None);
        using var turn = await database.EnterWriteAsync();
        await using var transaction = await database.BeginTransactionAsync(db, CancellationToken.None);
        var written = await writer.WriteAsync(db, database.Statements, batch, CancellationToken.None);
        var (work, targets) = capacity > 0
            ? await store.ClaimAsync(db, database.Statements, Node, Math.Min(capacity, LaneCapacity), SaturatedLanes(), options.LeaseDuration, CancellationToken.None)
            : ([], []);
        await transaction.CommitAsync(CancellationToken.None);

        // One typed client per claim: HttpClient is thread-safe, and its handler (and connection pool) is shared anyway.
        var sender = work.Count > 0 ? services.GetRequiredService<WebhookSender>() : null;
        foreach (var item in work)
        {
            var target = targets[item.NotificationId];
            var lane = lanes.GetOrAdd(target.Id, _ => new Lane());
            Interlocked.Increment(ref lane.Outstanding);
            Interlocked.Increment(ref outstanding);
            if (target.Channel == NotificationChannel.Email)
            {
                _ = EmailAsync(item, target, lane, email, stopping);
                continue;
            }
            lane.Queue.Enqueue(new Queued(item, target, sender!));
            StartWorkers(lane, stopping);
        }
        AfterCommit(written);
        return work.Count;
    }

    private void AfterCommit(WrittenOutcomes written)
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

        void Track(Task task)
        {
            afterCommit[task] = true;
            task.ContinueWith(t => afterCommit.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    /// <summary>Idle senders get a small claim first, so that sends start while the rest is claimed.</summary>
    private int ClaimSize(int capacity) => Outstanding == 0 ? Math.Min(capacity, 2 * options.MaxConcurrency) : capacity;

    private List<long> SaturatedLanes() => lanes.Where(l => Volatile.Read(ref l.Value.Outstanding) >= LaneCapacity).Select(l => l.Key).ToList();

    private async Task<DateTime?> NextDueAsync(EngineDatabase database, CancellationToken stopping)
    {
        var db = await database.ContextAsync(stopping);
        return await store.NextDueAsync(db, database.Statements, SaturatedLanes(), stopping);
    }

    private TimeSpan UntilDue(DateTime? next)
    {
        if (next is null)
            return MaxIdle;
        var wait = next.Value - clock.GetUtcNow().UtcDateTime;
        return wait > MaxIdle ? MaxIdle : wait;
    }

    private async Task WaitForWakeAsync(TimeSpan wait, CancellationToken stopping)
    {
        using var timeout = stopping.IsCancellationRequested ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(wait);
        try
        {
            await wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Starts worker loops for a lane while it has queued work, up to its own limit and the node's. Workers take one
    /// delivery after another, as a plain HttpClient loop would, so the per-send cost stays close to a bare POST.
    /// A lane that finds the node's limit reached waits in line for the next worker that finishes.
    /// </summary>
    private void StartWorkers(Lane lane, CancellationToken stopping)
    {
        while (!lane.Queue.IsEmpty)
        {
            var current = Volatile.Read(ref lane.Workers);
            if (current >= options.MaxConcurrencyPerEndpoint)
                return;
            if (!TryTakeWorkerSlot())
            {
                waitingLanes.Enqueue(lane);
                return;
            }
            if (Interlocked.CompareExchange(ref lane.Workers, current + 1, current) != current)
            {
                Interlocked.Decrement(ref workers);
                continue;
            }
            _ = WorkAsync(lane, stopping);
        }
    }

    private bool TryTakeWorkerSlot()
    {
        while (true)
        {
            var current = Volatile.Read(ref workers);
            if (current >= options.MaxConcurrency)
                return false;
            if (Interlocked.CompareExchange(ref workers, current + 1, current) == current)
                return true;
        }
    }

    private async Task WorkAsync(Lane lane, CancellationToken stopping)
    {
        // Off the loop's thread: it goes back to the database at once.
        await Task.Yield();
        try
        {
            while (lane.Queue.TryDequeue(out var queued))
                await DeliverAsync(queued, lane, stopping);
        }
        finally
        {
            Interlocked.Decrement(ref lane.Workers);
            Interlocked.Decrement(ref workers);
            // Work may have arrived after the last look; and the freed slot goes to a lane that waited for one.
            StartWorkers(lane, stopping);
            while (waitingLanes.TryDequeue(out var waiting))
            {
                var before = Volatile.Read(ref workers);
                StartWorkers(waiting, stopping);
                if (Volatile.Read(ref workers) > before || Volatile.Read(ref workers) >= options.MaxConcurrency)
                    break;
            }
        }
    }

    private async Task DeliverAsync(Queued queued, Lane lane, CancellationToken stopping)
    {
        var (work, target, sender) = queued;
        AttemptResult? result = null;
        try
        {
            // Its turn may come late behind a slow receiver: send only while a whole attempt fits in the lease.
            if (!stopping.IsCancellationRequested && clock.GetUtcNow().UtcDateTime + options.Timeout + LeaseMargin <= work.LeasedUntil)
                result = PortalMetrics.Activities.HasListeners()
                    ? await SendTracedAsync(sender, work, target, stopping)
                    : await SendWebhookAsync(sender, work, target, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: no attempt to record; the lease is given back and the delivery goes out after the restart.
        }
        Finish(work, target, lane, result, stopping);
    }

    private async Task EmailAsync(DeliveryWork work, DeliveryTarget target, Lane lane, EmailLane email, CancellationToken stopping)
    {
        AttemptResult? result = null;
        try
        {
            result = target.IsDeleted ? Deleted() : await email.SendAsync(work, target);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            using (LogScopes.Delivery(logger, work.Id, work.MessageId))
                logger.LogError(e, "Email delivery {DeliveryId} failed unexpectedly.", work.Id);
            result = AttemptResult.NotSent(clock.GetUtcNow().UtcDateTime, $"Unexpected error: {e.Message}", permanent: false);
        }
        Finish(work, target, lane, result, stopping);
    }

    /// <summary>Hands the outcome to the loop (no result: the delivery is given back unsent) and wakes it if it has a reason.</summary>
    private void Finish(DeliveryWork work, DeliveryTarget target, Lane lane, AttemptResult? result, CancellationToken stopping)
    {
        var waiting = Volatile.Read(ref waitingOutcomes);
        if (result is not null || !stopping.IsCancellationRequested)
        {
            waiting = Interlocked.Increment(ref waitingOutcomes);
            outcomes.Writer.TryWrite(new Outcome(work, target, result));
        }
        var laneLeft = Interlocked.Decrement(ref lane.Outstanding);
        var left = Interlocked.Decrement(ref outstanding);
        // Senders may run short, a lane has room again, outcomes wait to be recorded (the first starts the loop's
        // short batching delay, a full batch goes at once), or shutdown.
        if (left < options.MaxConcurrency || left == HighWater / 2 || laneLeft == LaneCapacity / 2
            || waiting == 1 || waiting == OutcomeBatch || stopping.IsCancellationRequested)
            Wake();
    }

    private async Task<AttemptResult> SendWebhookAsync(WebhookSender sender, DeliveryWork work, DeliveryTarget target, CancellationToken stopping)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (target.IsDeleted)
            return Deleted();
        if (string.IsNullOrEmpty(target.Url) || string.IsNullOrEmpty(target.Secret))
            return AttemptResult.NotSent(now, "The webhook has no URL or no secret.", permanent: true);
        try
        {
            return await sender.SendAsync(new WebhookRequest(target.Url, work.MessageId, work.Body.Bytes, target.Secrets(now)), stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return AttemptResult.NotSent(now, e.Message, permanent: false);
        }
    }

    /// <summary>
    /// The attempt as a span, a child of the trace its event was recorded in, and its trace id kept with the attempt.
    /// Only when something listens: without tracing, a send allocates no span.
    /// </summary>
    private async Task<AttemptResult> SendTracedAsync(WebhookSender sender, DeliveryWork work, DeliveryTarget target, CancellationToken stopping)
    {
        ActivityContext.TryParse(work.TraceParent, null, out var parent);
        using var activity = PortalMetrics.Activities.StartActivity("deliver", ActivityKind.Producer, parent);
        if (activity is null)
            return await SendWebhookAsync(sender, work, target, stopping);
        activity.SetTag("rewardportal.delivery.id", work.Id);
        activity.SetTag("rewardportal.webhook.id", work.MessageId);
        var result = await SendWebhookAsync(sender, work, target, stopping);
        if (!result.Succeeded)
            activity.SetStatus(ActivityStatusCode.Error, result.StatusCode?.ToString() ?? "not sent");
        return result with { TraceId = activity.TraceId.ToHexString() };
    }

    private AttemptResult Deleted() =>
        AttemptResult.NotSent(clock.GetUtcNow().UtcDateTime, "Not sent: the notification was deleted.", permanent: true);

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

    private sealed record Queued(DeliveryWork Work, DeliveryTarget Target, WebhookSender Sender);

    private sealed class Lane
    {
        public readonly ConcurrentQueue<Queued> Queue = new();
        public int Workers;
        public int Outstanding;
    }
}
