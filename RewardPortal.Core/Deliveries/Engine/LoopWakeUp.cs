using System.Threading.Channels;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// What the sleeping loop waits on: any number of wake-ups while it sleeps count as one, and one that comes while it
/// is busy makes its next sleep end at once, so none is lost.
/// </summary>
internal sealed class LoopWakeUp
{
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Sleeps until woken or for <paramref name="wait"/>; stopping ends the sleep, but a stopped loop still sleeps.</summary>
    public async Task SleepAsync(TimeSpan wait, CancellationToken stopping)
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
}
