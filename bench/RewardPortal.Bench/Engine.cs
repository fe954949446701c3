using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RewardPortal.Core;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Bench;

/// <summary>The app's Core services and the delivery dispatcher on a fresh SQLite file, as a worker node runs them (no web UI, no Hangfire).</summary>
internal sealed class Engine : IAsyncDisposable
{
    private readonly IHost host;

    private Engine(IHost host, string databaseFile) => (this.host, DatabaseFile) = (host, databaseFile);

    public string DatabaseFile { get; }
    public IServiceProvider Services => host.Services;

    public static async Task<Engine> StartAsync(string directory, BenchOptions options, Dictionary<string, string?>? more = null)
    {
        var databaseFile = Path.Combine(directory, $"bench-{Guid.NewGuid():N}.db");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory });
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RewardPortal"] = $"Data Source={databaseFile}",
            ["Email:PickupDirectory"] = Path.Combine(directory, "pickup"),
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:MaxConcurrency"] = options.Concurrency.ToString(),
            ["Webhooks:MaxConcurrencyPerEndpoint"] = options.Concurrency.ToString(),
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRewardPortalCore(builder.Configuration, directory);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        var host = builder.Build();
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync())
            await db.Database.MigrateAsync();
        await host.StartAsync();
        return new Engine(host, databaseFile);
    }

    public async Task<RewardPortalDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync();

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection($"Data Source={DatabaseFile};Default Timeout=60");
        connection.Open();
        return connection;
    }

    public void Signal() => Services.GetRequiredService<IDeliverySignal>().DeliveriesWritten();

    public async ValueTask DisposeAsync()
    {
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync();
        Console.WriteLine($"stopped in {stopping.ElapsedMilliseconds} ms");
        host.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
