using RewardPortal.Core.Common;

namespace RewardPortal.Web.Operations;

/// <summary>
/// Hangfire's server, with its stop bounded. A stop that arrives while the server is still starting its dispatchers
/// (a node stopped within milliseconds of starting) can leave Hangfire waiting for a signal that never comes, although
/// the server reports itself stopped; the host would then wait its whole shutdown timeout and cancel every service
/// after this one. Hangfire's jobs here are short and idempotent (drain, sweep, alerts, backups), so a stop that takes
/// longer than its bound (<see cref="Bound"/> in the app) is left behind with a warning.
/// </summary>
public sealed class BoundedHangfireStop(IHostedService server, ILogger<BoundedHangfireStop> logger, TimeSpan bound) : IHostedService, IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await BoundedStop.WithinAsync(server.StopAsync(cancellationToken), bound))
            logger.LogWarning("Hangfire's server did not report its stop within {Bound}; the app stops without waiting for it.", bound);
    }

    public void Dispose() => (server as IDisposable)?.Dispose();
}

internal static class BoundedHangfireStopExtensions
{
    /// <summary>Wraps the hosted service that <c>AddHangfireServer</c> has just registered (the last one) in <see cref="BoundedHangfireStop"/>.</summary>
    public static IServiceCollection BoundHangfireServerStop(this IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IHostedService));
        if (registered.ImplementationFactory is not { } create)
            throw new InvalidOperationException("Expected Hangfire's server to be registered through a factory.");
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(typeof(IHostedService),
            sp => new BoundedHangfireStop((IHostedService)create(sp), sp.GetRequiredService<ILogger<BoundedHangfireStop>>(), BoundedHangfireStop.Bound),
            registered.Lifetime));
        return services;
    }
}
