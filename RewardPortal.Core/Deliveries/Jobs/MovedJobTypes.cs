using Hangfire.Common;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// Hangfire stores a queued job by its type's name. These jobs were stored as <c>RewardPortal.Core.Deliveries.X</c>
/// before they got a namespace of their own; a job queued then (a re-send, a scheduled drain in PostgreSQL's Hangfire
/// storage) must still run after an upgrade. Pass <see cref="Resolve"/> to Hangfire's <c>UseTypeResolver</c>.
/// </summary>
public static class MovedJobTypes
{
    private const string OldNamespace = "RewardPortal.Core.Deliveries.";

    private static readonly Type[] Moved = [typeof(DeliveryDrainJob), typeof(DeliverySweepJob), typeof(RedeliverFailedJob)];

    public static Type Resolve(string typeName)
    {
        foreach (var type in Moved)
        {
            if (typeName.StartsWith(OldNamespace + type.Name + ",", StringComparison.Ordinal))
                return type;
        }
        return TypeHelper.DefaultTypeResolver(typeName);
    }
}
