using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Operations;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// On nodes that run the delivery engine: ready while it runs and nothing has been due for longer than
/// <see cref="HealthOptions.MaxDueAge"/>. An engine that is not running (stopped, or standing by for another process's
/// on the same SQLite file) is only a problem once work waits for it.
/// </summary>
public sealed class DeliveryEngineHealthCheck(DeliveryDispatcher engine, DeliveryBacklog backlog, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = await backlog.ReadAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["running"] = engine.IsRunning,
            ["due"] = snapshot.Due,
            ["oldestDueAgeSeconds"] = Math.Round(snapshot.OldestDueAge.TotalSeconds, 1),
        };
        if (!engine.IsRunning)
            return snapshot.Due > 0
                ? HealthCheckResult.Unhealthy($"The delivery engine is not running and {snapshot.Due} deliveries are due.", data: data)
                : HealthCheckResult.Degraded("The delivery engine is not running; nothing is due.", data: data);
        if (snapshot.OldestDueAge > options.Value.MaxDueAge)
            return HealthCheckResult.Unhealthy(
                $"The oldest due delivery has waited {snapshot.OldestDueAge:g}, longer than Health:MaxDueAge ({options.Value.MaxDueAge:g}).", data: data);
        return HealthCheckResult.Healthy($"Running; {snapshot.Due} deliveries due.", data: data);
    }
}
