using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Tests.Email;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Cluster;

/// <summary>
/// A node's last act is to remove its heartbeat. When that outlasts its bound, the host goes on and disposes the app's
/// services under it: the removal then fails on a disposed provider, which is the stop and not a fault.
/// </summary>
public sealed class NodeHeartbeatStopTests : IDisposable
{
    private readonly SqliteTestDatabase database = new();

    [Fact]
    public async Task ARemovalThatTheAppsShutdownOvertakesIsOneLineWithoutAStackTrace()
    {
        var services = database.CoreServices();
        var dbFactory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        var options = Options.Create(new ClusterOptions());
        var view = new ClusterView(dbFactory, options, TimeProvider.System);
        var logger = new ListLogger<NodeHeartbeat>();
        var heartbeat = new NodeHeartbeat(dbFactory, services.GetRequiredService<DeliveryDispatcher>(), view, options, TimeProvider.System, logger);
        await services.DisposeAsync();

        await heartbeat.StopAsync(CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("the app stopped first", entry.Message);
    }

    public void Dispose() => database.Dispose();
}
