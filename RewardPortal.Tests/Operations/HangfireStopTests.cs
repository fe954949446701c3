using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Operations;

namespace RewardPortal.Tests.Operations;

[Collection(HostedAppCollection.Name)]
public sealed class HangfireStopTests
{
    [Fact]
    public async Task AHangfireServerThatNeverReportsItsStopHoldsTheAppOnlyUntilTheBound()
    {
        var stop = new BoundedHangfireStop(new NeverStops(), NullLogger<BoundedHangfireStop>.Instance, TimeSpan.FromMilliseconds(200));

        var watch = Stopwatch.StartNew();
        await stop.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task TheAppsHangfireServerStopsWithABound()
    {
        await using var factory = new PortalFactory();

        Assert.Single(factory.Services.GetServices<IHostedService>().OfType<BoundedHangfireStop>());
    }

    private sealed class NeverStops : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => new TaskCompletionSource().Task;
    }
}
