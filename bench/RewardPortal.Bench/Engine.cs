using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RewardPortal.Core;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Bench;

/// <summary>
/// The app's Core services and the delivery dispatcher, as a worker node runs them (no web UI, no Hangfire): on a fresh
/// SQLite file, or on a PostgreSQL database that several engines (nodes) may share.
/// </summary>
internal sealed class Engine : IAsyncDisposable
{
    private readonly IHost host;

    private Engine(IHost host, string connectionString, bool postgres) => (this.host, ConnectionString, IsPostgres) = (host, connectionString, postgres);

    public string ConnectionString { get; }
    public bool IsPostgres { get; }
    public IServiceProvider Services => host.Services;

    /// <param name="sends">false: a Web node's services only (it commits, another node's engine sends).</param>
    public static async Task<Engine> StartAsync(
        string directory, BenchOptions options, Dictionary<string, string?>? more = null, string? postgres = null, bool sends = true)
    {
        var connectionString = postgres ?? $"Data Source={Path.Combine(directory, $"bench-{Guid.NewGuid():N}.db")}";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory });
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["ConnectionStrings:RewardPortal"] = connectionString,
            ["Email:PickupDirectory"] = Path.Combine(directory, "pickup"),
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:MaxConcurrency"] = options.Concurrency.ToString(),
            ["Webhooks:MaxConcurrencyPerEndpoint"] = options.Concurrency.ToString(),
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            // A fresh PostgreSQL database answers EF's first look for its migrations table with an error it expects.
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
        builder.Services.AddRewardPortalCore(builder.Configuration, directory);
        if (sends)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
            builder.Services.AddDeliveryWakeUps();
        }
        var host = builder.Build();
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync())
        {
            // As the app does at start: the file is made empty before EF sees it, so EF would leave it without WAL.
            await SqliteJournalMode.UseWalAsync(db, NullLogger.Instance, CancellationToken.None);
            await db.Database.MigrateAsync();
        }
        await host.StartAsync();
        return new Engine(host, connectionString, postgres is not null);
    }

    public async Task<RewardPortalDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync();

    /// <summary>A connection of the bench's own, for setting the scene and counting (not measured).</summary>
    public DbConnection OpenConnection()
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection($"{ConnectionString};Default Timeout=60");
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
