using Hangfire.Common;
using RewardPortal.Core.Notifications.Digests;

namespace RewardPortal.Core.Deliveries.Jobs;

/// <summary>
/// Hangfire stores a queued job by its type's name. These jobs were stored under their former namespaces before their
/// folders got namespaces of their own; a job queued then (a re-send, a scheduled drain in PostgreSQL's Hangfire
/// storage) must still run after an upgrade. Pass <see cref="Resolve"/> to Hangfire's <c>UseTypeResolver</c>.
/// </summary>
public static class MovedJobTypes
{
    private static readonly (string FormerName, Type Type)[] Moved =
    [
        ("RewardPortal.Core.Deliveries.DeliveryDrainJob", typeof(DeliveryDrainJob)),
        ("RewardPortal.Core.Deliveries.DeliverySweepJob", typeof(DeliverySweepJob)),
        ("RewardPortal.Core.Deliveries.RedeliverFailedJob", typeof(RedeliverFailedJob)),
        ("RewardPortal.Core.Notifications.DigestJob", typeof(DigestJob)),
    ];

    public static Type Resolve(string typeName)
    {
        foreach (var (formerName, type) in Moved)
        {
            if (typeName.StartsWith(formerName + ",", StringComparison.Ordinal))
                return type;
        }
        return TypeHelper.DefaultTypeResolver(typeName);
    }
}
