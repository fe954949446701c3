using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// The engine's turn loop, which alone touches the database: each turn is one transaction that records the outcomes
/// finished since the last turn and claims due deliveries under a lease, as far as there is room; after the commit the
/// claimed deliveries go to the send lanes, whose outcomes come back through a channel. <see cref="BatchingPolicy"/>
/// decides when to turn; the loop sleeps until a commit, an outcome, a due retry or a drain wakes it.
/// </summary>
internal sealed class DeliveryLoop
{
    // Within the dispatcher's stop budget, which also covers giving the leases back.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly LoopWakeUp wakeUp = new();
    private readonly OutcomeInbox inbox = new();
    private readonly DeliveryStore store;
    private readonly OutcomeWriter writer;
    private readonly BatchingPolicy policy;
    private readonly AttemptSender attempts;
    private readonly SendLanes lanes;
    private readonly TurnFollowUps followUps;
    private readonly IServiceProvider services;
    private readonly WebhookOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly string node;
    private TaskCompletionSource passDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string activity = "starting";

    public DeliveryLoop(
        DeliveryStore store, OutcomeWriter writer, TurnFollowUps followUps, IServiceProvider services, WebhookOptions options, TimeProvider clock,
        ILogger logger, string node)
    {
        (this.store, this.writer, this.followUps, this.services, this.options, this.clock, this.logger, this.node) =
            (store, writer, followUps, services, options, clock, logger, node);
        policy = BatchingPolicy.For(options);
        attempts = new AttemptSender(options, clock, logger);
        lanes = new SendLanes(policy, DeliverAsync);
    }

    /// <summary>Claimed deliveries not yet finished on this node.</summary>
    public int Outstanding => lanes.Outstanding;

    /// <summary>Completes when a turn next finds nothing more due (everything due has been claimed).</summary>
    public Task NextPass => Volatile.Read(ref passDone).Task;

    /// <summary>What the loop is doing now, for the log when a stop takes too long.</summary>
    public string Activity => activity;

    public void Wake() => wakeUp.Wake();

    /// <summary>No more turns: whoever waits for a pass stops waiting.</summary>
    public void Stopped() => passDone.TrySetResult();

    public async Task RunAsync(EngineDatabase database, EmailBatcher email, CancellationToken stopping)
    {
        var batch = new List<Outcome>(BatchingPolicy.MaxOutcomesPerTurn);
        var batchSince = 0L;
        var failures = 0;
        var stopDeadline = DateTime.MaxValue;
        while (true)
        {
            var wasEmpty = batch.Count == 0;
            inbox.TakeInto(batch);
            if (wasEmpty && batch.Count > 0)
                batchSince = Stopwatch.GetTimestamp();
            var isStopping = stopping.IsCancellationRequested;
            if (isStopping && StopNow(batch, ref stopDeadline))
                return;

            // Whether anything is due is read first, outside any transaction.
            var room = policy.ClaimRoom(Outstanding, isStopping);
            var waited = batch.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(batchSince);
            DateTime? nextDue = null;
            var claim = false;
            try
            {
                if (room > 0)
                {
                    activity = "reading what is due";
                    nextDue = await store.NextDueAsync(await database.QueriesAsync(stopping), lanes.Saturated(), stopping);
                    claim = nextDue <= clock.GetUtcNow().UtcDateTime;
                }
                var record = policy.RecordNow(batch.Count, waited, claim, isStopping);
                if (claim || record)
                {
                    var claimed = await TurnAsync(database, record ? batch : [], claim ? policy.ClaimSize(room, Outstanding) : 0, email, stopping);
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
                failures = await TurnFailedAsync(database, e, batch, failures);
                continue;
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            var nothingDue = room > 0 && !claim;
            if (nothingDue)
                Interlocked.Exchange(ref passDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            var untilDue = nextDue - clock.GetUtcNow().UtcDateTime;
            activity = isStopping ? "waiting for the sends still running" : "sleeping";
            await wakeUp.SleepAsync(policy.Wait(isStopping, batch.Count, waited, nothingDue, untilDue, Outstanding), stopping);
        }
    }

    /// <summary>One transaction: record the batch, claim up to <paramref name="limit"/>; after the commit, start the sends.</summary>
    private async Task<int> TurnAsync(EngineDatabase database, List<Outcome> batch, int limit, EmailBatcher email, CancellationToken stopping)
    {
        var db = await database.ContextAsync(CancellationToken.None);
        activity = "waiting for the database's write lock";
        using var turn = await database.EnterWriteAsync();
        await using var transaction = await database.BeginTransactionAsync(db, CancellationToken.None);
        activity = "recording outcomes and claiming due deliveries";
        var written = await writer.WriteAsync(db, database.Queries, batch, CancellationToken.None);
        var (work, targets) = limit > 0
            ? await store.ClaimAsync(db, database.Queries, node, limit, lanes.Saturated(), options.LeaseDuration, CancellationToken.None)
            : ([], []);
        await transaction.CommitAsync(CancellationToken.None);
        activity = "starting the claimed sends";

        // One typed client per claim: HttpClient is thread-safe, and its handler (and connection pool) is shared anyway.
        var sender = work.Count > 0 ? services.GetRequiredService<WebhookSender>() : null;
        foreach (var item in work)
        {
            var target = targets[item.NotificationId];
            var lane = lanes.Claimed(target.Id);
            if (target.Channel == NotificationChannel.Email)
                _ = EmailAsync(item, target, lane, email, stopping);
            else
                lanes.Enqueue(lane, new QueuedSend(item, target, sender!), stopping);
        }
        followUps.After(written);
        return work.Count;
    }

    /// <summary>
    /// The outcomes stay in the batch for the next turn; after repeated failures they are dropped and their deliveries go
    /// out again when the leases run out (at least once, never lost).
    /// </summary>
    private async Task<int> TurnFailedAsync(EngineDatabase database, Exception e, List<Outcome> batch, int failures)
    {
        activity = "waiting a second after a failed turn";
        await database.ResetAsync();
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
        return failures;
    }

    /// <summary>Stopping: no more claims; record what the cancelled sends still report, then give the leases back.</summary>
    private bool StopNow(List<Outcome> batch, ref DateTime deadline)
    {
        deadline = deadline == DateTime.MaxValue ? DateTime.UtcNow + StopGrace : deadline;
        if (batch.Count == 0 && Outstanding == 0)
            return true;
        if (DateTime.UtcNow <= deadline)
            return false;
        logger.LogWarning("Stopped with {Outstanding} sends unfinished and {Unrecorded} outcomes unrecorded after {Grace}; those deliveries go out again.",
            Outstanding, batch.Count, StopGrace);
        return true;
    }

    private async Task DeliverAsync(QueuedSend send, SendLane lane, CancellationToken stopping) =>
        Finish(send.Work, lane, await attempts.WebhookAsync(send, stopping), send.Target, stopping);

    private async Task EmailAsync(DeliveryWork work, DeliveryTarget target, SendLane lane, EmailBatcher email, CancellationToken stopping) =>
        Finish(work, lane, await attempts.EmailAsync(work, target, email, stopping), target, stopping);

    /// <summary>Hands the outcome to the loop (no result: the delivery is given back unsent) and wakes it if it has a reason.</summary>
    private void Finish(DeliveryWork work, SendLane lane, AttemptResult? result, DeliveryTarget target, CancellationToken stopping)
    {
        var waiting = result is not null || !stopping.IsCancellationRequested ? inbox.Post(new Outcome(work, target, result)) : inbox.Waiting;
        var (left, laneLeft) = lanes.Finished(lane);
        if (policy.OutcomeWakes(left, laneLeft, waiting, stopping.IsCancellationRequested))
            Wake();
    }
}
