namespace RewardPortal.Core.Deliveries;

/// <summary>Until the engine registers its own signal, committed deliveries wait for the next sweep.</summary>
internal sealed class NoDeliverySignal : IDeliverySignal
{
    public void DeliveriesWritten() { }
}
