using System.Threading.Channels;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// Where finished sends leave their outcomes for the loop to record, with a count of those waiting that a finishing
/// send reads to decide whether to wake the loop (<see cref="BatchingPolicy.OutcomeWakes"/>).
/// </summary>
internal sealed class OutcomeInbox
{
    private readonly Channel<Outcome> outcomes = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });
    private int waiting;

    /// <returns>The outcomes waiting, this one included.</returns>
    public int Post(Outcome outcome)
    {
        var count = Interlocked.Increment(ref waiting);
        outcomes.Writer.TryWrite(outcome);
        return count;
    }

    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Moves waiting outcomes into the batch, up to <see cref="BatchingPolicy.MaxOutcomesPerTurn"/>.</summary>
    public void TakeInto(List<Outcome> batch)
    {
        var read = 0;
        while (batch.Count < BatchingPolicy.MaxOutcomesPerTurn && outcomes.Reader.TryRead(out var outcome))
        {
            batch.Add(outcome);
            read++;
        }
        Interlocked.Add(ref waiting, -read);
    }
}
