namespace RewardPortal.Core.Deliveries;

/// <summary>Tells the delivery engine that committed deliveries wait, so it need not wait for its next poll.</summary>
public interface IDeliverySignal
{
    void DeliveriesWritten();
}
