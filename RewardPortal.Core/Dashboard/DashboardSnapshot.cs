namespace RewardPortal.Core.Dashboard;

/// <summary>What waits for someone, each count linking to its list.</summary>
public record WaitingCounts(int RequestedRedemptions, int FailingDeliveries, int DisabledEndpoints);

public record DailyRedemptions(DateOnly Day, int Redemptions, long PointsRedeemed);

public record DailyDeliveries(DateOnly Day, int Succeeded, int Failed, double? LatencyP50Ms, double? LatencyP95Ms)
{
    public double? SuccessRate => Succeeded + Failed == 0 ? null : 100.0 * Succeeded / (Succeeded + Failed);
}

public record DashboardSnapshot(WaitingCounts Waiting, IReadOnlyList<DailyRedemptions> Redemptions, IReadOnlyList<DailyDeliveries> Deliveries);
