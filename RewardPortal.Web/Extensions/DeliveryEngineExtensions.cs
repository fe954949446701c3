using Hangfire;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Deliveries.Jobs;

namespace RewardPortal.Web.Extensions;

internal static class DeliveryEngineExtensions
{
    /// <summary>Nodes that run background work also run the delivery dispatcher.</summary>
    public static void AddDeliveryDispatcher(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        services.AddDeliveryWakeUps();
    }

    /// <summary>The every-minute sweep, and a drain on start: unfinished deliveries are queued again after any restart.</summary>
    public static void UseDeliveryJobs(this WebApplication app)
    {
        var node = app.Services.GetRequiredService<NodeOptions>();
        if (node.Role == NodeRole.Web)
            return;
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<DeliverySweepJob>(DeliverySweepJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<DeliveryJobScheduler>().RequestDrain());
    }
}
