using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Core.Cluster;

/// <summary>
/// On a PostgreSQL node that runs the engine: LISTENs on a connection of its own for <see cref="DeliveryNotifications"/>
/// and wakes this node's dispatcher, so that a commit on any node reaches every engine within milliseconds. The poll
/// stays as the safety net. A dropped connection (a database restart, a network cut) is logged and reopened with a
/// growing pause; once it is back the dispatcher is woken, since notifications sent meanwhile were lost.
/// </summary>
public sealed class PostgresDeliveryListener(
    IDbContextFactory<RewardPortalDbContext> dbFactory, DeliveryDispatcher dispatcher, ILogger<PostgresDeliveryListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    // A silent connection is checked this often, so that a half-open one (no reset ever arrives) is noticed too.
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    /// <summary>Whether the listening connection is open now (for tests and the log).</summary>
    public bool IsListening { get; private set; }

    /// <summary>The server process of the listening connection, while there is one.</summary>
    public int? ServerProcessId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        string? connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stopping))
            connectionString = db.Database.IsNpgsql() ? db.Database.GetConnectionString() : null;
        if (connectionString is null)
            return;
        // Never from the pool: a pooled connection would keep LISTENing for whoever takes it next.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 15 }.ToString();

        var retry = FirstRetry;
        var lost = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, reconnected: lost, stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                IsListening = false;
                ServerProcessId = null;
                if (!lost)
                    logger.LogWarning(e, "Lost the database connection that wakes the delivery engine; reconnecting (until then it polls).");
                else
                    logger.LogDebug(e, "Still cannot reconnect the delivery engine's wake-up; next try in {Retry}.", retry);
                lost = true;
                try
                {
                    await Task.Delay(retry, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                retry = retry * 2 > MaxRetry ? MaxRetry : retry * 2;
                continue;
            }
            return;
        }

        async Task ListenAsync(string connection, bool reconnected, CancellationToken cancellationToken)
        {
            await using var listening = new NpgsqlConnection(connection);
            await listening.OpenAsync(cancellationToken);
            listening.Notification += (_, _) => dispatcher.Wake();
            await using (var command = new NpgsqlCommand($"LISTEN {DeliveryNotifications.Channel}", listening))
                await command.ExecuteNonQueryAsync(cancellationToken);
            (IsListening, ServerProcessId) = (true, listening.ProcessID);
            if (reconnected)
            {
                logger.LogInformation("The delivery engine's wake-up is connected again.");
                dispatcher.Wake();
            }
            else
            {
                logger.LogInformation("The delivery engine wakes on commits from every node (LISTEN {Channel}).", DeliveryNotifications.Channel);
            }
            (retry, lost) = (FirstRetry, false);
            try
            {
                while (true)
                {
                    if (!await listening.WaitAsync(CheckEvery, cancellationToken))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", listening);
                        await check.ExecuteScalarAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                (IsListening, ServerProcessId) = (false, null);
            }
        }
    }
}
