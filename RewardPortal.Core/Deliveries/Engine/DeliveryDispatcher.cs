using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine.Sqlite;
using RewardPortal.Core.Email;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// The engine on a worker node, as a hosted service: it takes over what a stopped engine left, runs the turn loop
/// (<see cref="DeliveryLoop"/>) and the email batcher, and on stopping gives its leases back. The loop sleeps until a commit
/// wakes it (<see cref="IDeliverySignal"/>), an attempt finishes, a retry falls due, or a Hangfire drain or sweep job
/// nudges it. The rows are the record: stopping loses nothing, and unfinished deliveries are picked up again on start.
/// Deliveries/README.md follows one delivery through the engine.
/// </summary>
public sealed class DeliveryDispatcher : BackgroundService
{
    /// <summary>
    /// How long a stop may take: the loop's grace for the last outcomes, then giving the leases back. The host's shutdown
    /// timeout (30 s by default) is shared with the services that stop after this one (Hangfire's server 10 s, the
    /// heartbeat and the API key usage 2 s each).
    /// </summary>
    public static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(15);

    private readonly IDbContextFactory<RewardPortalDbContext> dbFactory;
    private readonly SqliteWriteGate gate;
    private readonly IMailTransport mail;
    private readonly NotificationEmailComposer composer;
    private readonly WebhookOptions options;
    private readonly TimeProvider clock;
    private readonly PortalMetrics metrics;
    private readonly ILogger<DeliveryDispatcher> logger;
    private readonly DeliveryStore store;
    private readonly DeliveryLoop loop;
    private readonly TurnFollowUps followUps;
    private volatile bool running;
    private volatile string? stopStep;

    public DeliveryDispatcher(
        IDbContextFactory<RewardPortalDbContext> dbFactory, SqliteWriteGate gate, IServiceProvider services, RetryPolicy policy, DeliveryFailureAlerts alerts,
        IRetryWakeUps scheduler, IMailTransport mail, NotificationEmailComposer composer, IOptions<WebhookOptions> options,
        TimeProvider clock, PortalMetrics metrics, ILogger<DeliveryDispatcher> logger)
    {
        (this.dbFactory, this.gate, this.mail, this.composer, this.options) = (dbFactory, gate, mail, composer, options.Value);
        (this.clock, this.metrics, this.logger) = (clock, metrics, logger);
        store = new DeliveryStore(dbFactory, clock);
        followUps = new TurnFollowUps(scheduler, alerts, logger);
        loop = new DeliveryLoop(store, new OutcomeWriter(policy, clock, metrics), followUps, services, this.options, clock, logger, Node);
    }

    /// <summary>Names this process's leases: machine, process and a random part, unique per start.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsRunning => running;

    /// <summary>Claimed deliveries not yet finished on this node.</summary>
    public int Outstanding => loop.Outstanding;

    public void Wake() => loop.Wake();

    /// <summary>What the engine is doing now (the loop's activity, or the step of its stop).</summary>
    public string Activity => stopStep ?? loop.Activity;

    /// <summary>
    /// Waits for the engine at most <see cref="StopBudget"/>: past it the app stops anyway (nothing is lost: the rows are
    /// the record, and leases not given back run out), and the log says what the engine was still doing.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await BoundedStop.WithinAsync(base.StopAsync(cancellationToken), StopBudget))
            logger.LogWarning("Delivery engine {Node} did not stop within {Budget}: still {Activity}. The app stops without it; " +
                "its claimed deliveries go out again when their leases run out (within {Lease}).", Node, StopBudget, Activity, options.LeaseDuration);
    }

    /// <summary>Wakes the dispatcher and waits until a turn finds nothing more due (everything due has been claimed).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var pass = loop.NextPass;
        Wake();
        try
        {
            await pass.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        }
        catch (TimeoutException)
        {
            // Under a steady stream there is always more; the dispatcher carries on by itself.
        }
    }

    /// <summary>The every-minute sweep: takes over deliveries whose lease ran out and wakes the dispatcher.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var taken = await store.ClearExpiredLeasesAsync(cancellationToken);
        if (taken > 0)
            logger.LogWarning("Took over {Count} deliveries whose lease ran out (their node stopped without giving them back).", taken);
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        SqliteEngineLock? engineLock;
        try
        {
            engineLock = await TakeOverSqliteAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            loop.Stopped();
            return;
        }
        using var held = engineLock;
        var email = new EmailBatcher(mail, composer, clock, metrics, logger);
        var emailing = email.RunAsync(stopping);
        running = true;
        logger.LogInformation("Delivery engine running as {Node}: {Concurrency} sends at once, {PerEndpoint} per endpoint, timeout {Timeout}.",
            Node, options.MaxConcurrency, options.MaxConcurrencyPerEndpoint, options.Timeout);
        try
        {
            await using var database = new EngineDatabase(dbFactory, gate, logger);
            await loop.RunAsync(database, email, stopping);
        }
        finally
        {
            running = false;
            stopStep = "waiting for the email batcher";
            email.Complete();
            await emailing;
            stopStep = "waiting for delivery alerts";
            await followUps.WhenDoneAsync();
            stopStep = "giving back this node's leases";
            await ReleaseLeasesAsync();
            stopStep = "stopped";
            loop.Stopped();
            logger.LogInformation("Delivery engine {Node} stopped.", Node);
        }
    }

    /// <summary>
    /// On SQLite, waits for the database's engine lock (<see cref="SqliteEngineLock"/>), then takes back every lease:
    /// with the lock held, any lease in the file is an engine's that is gone (a crash, a kill), and its deliveries go
    /// out now instead of when the lease runs out. On PostgreSQL, where nodes share the work, leases run out as usual.
    /// </summary>
    private async Task<SqliteEngineLock?> TakeOverSqliteAsync(CancellationToken stopping)
    {
        string? path;
        await using (var db = await dbFactory.CreateDbContextAsync(stopping))
            path = db.Database.IsSqlite() ? SqliteEngineLock.PathFor(db.Database.GetConnectionString()!) : null;
        if (path is null)
            return null;
        var engineLock = await SqliteEngineLock.AcquireAsync(path, logger, stopping);
        try
        {
            var taken = await store.ReleaseAllAsync(stopping);
            if (taken > 0)
                logger.LogWarning("Took back {Count} deliveries claimed by an engine that stopped without giving them back; they go out now.", taken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a head start: the engine runs anyway, and those deliveries go out when their leases run out.
            logger.LogWarning(e, "Could not take back the leases of an engine that stopped; its deliveries go out when the leases run out.");
        }
        catch
        {
            engineLock.Dispose();
            throw;
        }
        return engineLock;
    }

    private async Task ReleaseLeasesAsync()
    {
        try
        {
            var released = await store.ReleaseNodeAsync(Node, CancellationToken.None);
            if (released > 0)
                logger.LogInformation("Gave back {Count} unfinished deliveries; they go out on the next start or from another node.", released);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not give back this node's leases; they run out by themselves within {Lease}.", options.LeaseDuration);
        }
    }
}
