using System.Collections.Concurrent;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>A claimed webhook delivery waiting in its endpoint's lane, with the client that sends it.</summary>
internal sealed record QueuedSend(DeliveryWork Work, DeliveryTarget Target, WebhookSender Sender);

/// <summary>One notification's claimed deliveries on this node: the queue of its webhook sends and its counts.</summary>
internal sealed class SendLane
{
    public readonly ConcurrentQueue<QueuedSend> Queue = new();
    public int Workers;
    public int Outstanding;
}

/// <summary>
/// Bounded concurrency overall and per endpoint, so that a slow receiver holds up only its own lane. Workers take one
/// delivery after another, as a plain HttpClient loop would, so the per-send cost stays close to a bare POST; slots are
/// taken by compare-and-swap, with no lock on the send path. Also counts what this node has claimed and not finished.
/// </summary>
internal sealed class SendLanes(BatchingPolicy policy, Func<QueuedSend, SendLane, CancellationToken, Task> deliver)
{
    private readonly ConcurrentQueue<SendLane> waitingLanes = new();
    private readonly ConcurrentDictionary<long, SendLane> lanes = new();
    private int outstanding;
    private int workers;

    /// <summary>Claimed deliveries not yet finished on this node.</summary>
    public int Outstanding => Volatile.Read(ref outstanding);

    /// <summary>Counts a claimed delivery in its notification's lane until <see cref="Finished"/>.</summary>
    public SendLane Claimed(long notificationId)
    {
        var lane = lanes.GetOrAdd(notificationId, _ => new SendLane());
        Interlocked.Increment(ref lane.Outstanding);
        Interlocked.Increment(ref outstanding);
        return lane;
    }

    /// <returns>What is left unfinished on the node and in the lane.</returns>
    public (int Left, int LaneLeft) Finished(SendLane lane)
    {
        var laneLeft = Interlocked.Decrement(ref lane.Outstanding);
        return (Interlocked.Decrement(ref outstanding), laneLeft);
    }

    public void Enqueue(SendLane lane, QueuedSend send, CancellationToken stopping)
    {
        lane.Queue.Enqueue(send);
        StartWorkers(lane, stopping);
    }

    /// <summary>The notifications whose lanes are full: claims leave them out until they have room.</summary>
    public List<long> Saturated() =>
        lanes.Where(l => Volatile.Read(ref l.Value.Outstanding) >= policy.LaneCapacity).Select(l => l.Key).ToList();

    /// <summary>
    /// Starts workers for a lane while it has queued work, up to its own limit and the node's. A lane that finds the
    /// node's limit reached waits in line for the next worker that finishes.
    /// </summary>
    private void StartWorkers(SendLane lane, CancellationToken stopping)
    {
        while (!lane.Queue.IsEmpty)
        {
            var current = Volatile.Read(ref lane.Workers);
            if (current >= policy.MaxConcurrencyPerEndpoint)
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
            if (current >= policy.MaxConcurrency)
                return false;
            if (Interlocked.CompareExchange(ref workers, current + 1, current) == current)
                return true;
        }
    }

    private async Task WorkAsync(SendLane lane, CancellationToken stopping)
    {
        // Off the loop's thread: it goes back to the database at once.
        await Task.Yield();
        try
        {
            while (lane.Queue.TryDequeue(out var queued))
                await deliver(queued, lane, stopping);
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
                if (Volatile.Read(ref workers) > before || Volatile.Read(ref workers) >= policy.MaxConcurrency)
                    break;
            }
        }
    }
}
