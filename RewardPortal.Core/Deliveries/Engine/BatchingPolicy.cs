using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// When the engine's loop goes to the database, and how much it does there: claim at once while the senders could run
/// short, otherwise wait until a good batch fits; record outcomes in batches as large as a claim, a few milliseconds late at
/// most. Fewer, larger turns spread a commit's cost over more rows (docs/benchmarks.md). The loop asks these rules what to
/// do, and a finished send asks them whether to wake the loop, so the two cannot drift apart: a wake-up rule that missed
/// a threshold the loop waits for would leave batching to the safety wake.
/// </summary>
internal sealed class BatchingPolicy(int maxConcurrency, int maxConcurrencyPerEndpoint)
{
    /// <summary>Outcomes recorded in one turn at most, so that a turn's transaction stays short.</summary>
    public const int MaxOutcomesPerTurn = 1000;

    public static readonly TimeSpan OutcomeDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>While sends are out, the loop looks again at least this often, even if no wake-up came.</summary>
    public static readonly TimeSpan SafetyWake = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);

    /// <summary>While stopping, the loop looks this often for the outcomes of the cancelled sends.</summary>
    public static readonly TimeSpan StoppingPoll = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);

    public static BatchingPolicy For(WebhookOptions options) => new(options.MaxConcurrency, options.MaxConcurrencyPerEndpoint);

    public int MaxConcurrency => maxConcurrency;

    public int MaxConcurrencyPerEndpoint => maxConcurrencyPerEndpoint;

    /// <summary>Claimed deliveries a node holds at most.</summary>
    public int HighWater => maxConcurrency * WebhookOptions.RoundsClaimedAhead;

    /// <summary>Claimed deliveries one endpoint's lane holds at most; a full lane is left out of claims.</summary>
    public int LaneCapacity => maxConcurrencyPerEndpoint * WebhookOptions.RoundsClaimedAhead;

    /// <summary>Outcomes that are recorded at once, without waiting for <see cref="OutcomeDelay"/>.</summary>
    public int OutcomeBatch => HighWater / 2;

    /// <summary>How many deliveries the loop would claim now; 0 when it should not claim.</summary>
    public int ClaimRoom(int outstanding, bool stopping)
    {
        var room = stopping ? 0 : HighWater - outstanding;
        return room > 0 && (outstanding < maxConcurrency || room >= HighWater / 2) ? room : 0;
    }

    /// <summary>Idle senders get a small claim first, so that sends start while the rest is claimed.</summary>
    public int ClaimSize(int room, int outstanding) =>
        Math.Min(outstanding == 0 ? Math.Min(room, 2 * maxConcurrency) : room, LaneCapacity);

    /// <summary>Whether the outcomes waiting are recorded in this turn, or wait for more.</summary>
    public bool RecordNow(int waiting, TimeSpan waited, bool claiming, bool stopping) =>
        waiting > 0 && (claiming || stopping || waiting >= OutcomeBatch || waited >= OutcomeDelay);

    /// <summary>How long the loop sleeps unless something wakes it.</summary>
    /// <param name="waiting">Outcomes not recorded yet.</param>
    /// <param name="waited">How long the oldest of them has waited.</param>
    /// <param name="untilDue">When the loop looked and nothing was due: how long until the next delivery falls due (null: none waits).</param>
    /// <param name="outstanding">Claimed deliveries not yet finished.</param>
    public TimeSpan Wait(bool stopping, int waiting, TimeSpan waited, bool nothingDue, TimeSpan? untilDue, int outstanding)
    {
        var wait = stopping ? StoppingPoll
            : waiting > 0 ? OutcomeDelay - waited
            : nothingDue && untilDue is { } due && due < MaxIdle ? due
            : MaxIdle;
        // Finished sends wake the loop only when it has something to do (see OutcomeWakes); this is the safety net.
        if (outstanding > 0 && wait > SafetyWake)
            wait = SafetyWake;
        return wait < ShortestWait ? ShortestWait : wait;
    }

    /// <summary>
    /// Whether a finished send wakes the loop: the senders may run short, the node just got room for a claim, a full lane
    /// has room again, the first outcome waits (it starts the batching delay), a batch just filled, or shutdown.
    /// </summary>
    /// <param name="left">Claimed deliveries still unfinished on the node after this one.</param>
    /// <param name="laneLeft">The same in this send's lane.</param>
    /// <param name="waiting">Outcomes waiting to be recorded, this one included.</param>
    public bool OutcomeWakes(int left, int laneLeft, int waiting, bool stopping) =>
        stopping
        || left < maxConcurrency
        || (ClaimRoom(left, stopping: false) > 0 && ClaimRoom(left + 1, stopping: false) == 0)
        || laneLeft == LaneCapacity / 2
        || waiting == 1
        || (waiting >= OutcomeBatch && waiting - 1 < OutcomeBatch);
}
