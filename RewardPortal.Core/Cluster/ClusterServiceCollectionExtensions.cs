using Microsoft.Extensions.DependencyInjection;

namespace RewardPortal.Core.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>Heartbeats on every node, and the view of the live nodes that the Owner's page and the API's limits read.</summary>
    public static IServiceCollection AddClusterNodes(this IServiceCollection services, string role)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.Role = role);
        services.AddSingleton<ClusterView>();
        services.AddSingleton<NodeHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeat>());
        return services;
    }

    /// <summary>On nodes that run the engine: commits on any node wake it (PostgreSQL only; it does nothing on SQLite).</summary>
    public static IServiceCollection AddDeliveryWakeUps(this IServiceCollection services)
    {
        services.AddSingleton<PostgresDeliveryListener>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresDeliveryListener>());
        return services;
    }
}
