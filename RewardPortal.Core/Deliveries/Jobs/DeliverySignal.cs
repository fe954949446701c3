using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// After a commit: wake this node's dispatcher at once (tens of milliseconds to the first attempt); on a node that runs no
/// dispatcher (Node:Role Web), queue a coalesced drain job for the workers. Either way the rows are already durable.
/// </summary>
internal sealed class DeliverySignal(DeliveryDispatcher dispatcher, DeliveryJobScheduler scheduler) : IDeliverySignal
{
    public void DeliveriesWritten()
    {
        if (dispatcher.IsRunning)
            dispatcher.Wake();
        else
            scheduler.RequestDrain();
    }
}
