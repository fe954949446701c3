using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

[Collection(HostedAppCollection.Name)]
public sealed class EngineStopTests
{
    [Fact]
    public async Task AStopStuckOnALockedDatabaseEndsWithinItsBudgetSaysWhereAndLosesNothing()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var hang = true;
        receiver.Respond = (_, _) => hang ? new Reply(200, Delay: TimeSpan.FromSeconds(30)) : new Reply(200);
        var settings = TestData.FastRetries(timeout: "00:00:30");
        var app = new PortalFactory(settings, directory);
        _ = app.Server;
        var webhookId = (await app.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated)).Id;
        await app.CreateParticipantAsync("In flight at the stop");
        await receiver.WaitForAsync(1);

        // Another process writes for longer than the stop may take: the engine cannot give its lease back.
        await using (var writer = new SqliteConnection($"Data Source={directory.File("portal.db")}"))
        {
            await writer.OpenAsync();
            await using (var begin = writer.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                await begin.ExecuteNonQueryAsync();
            }
            var stopping = Stopwatch.StartNew();
            await app.DisposeAsync();
            // Within the host's default shutdown timeout, which the test host keeps: a stop past it fails the dispose.
            Assert.InRange(stopping.Elapsed, DeliveryDispatcher.StopBudget - TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
            Assert.Contains(app.Logs.Lines, l => l.Contains("did not stop within") && l.Contains("giving back this node's leases"));
        }
        SqliteConnection.ClearAllPools();
        hang = false;

        await using var restarted = new PortalFactory(settings, directory);
        _ = restarted.Server;
        await Wait.UntilAsync(async () => (await restarted.DeliveriesAsync(webhookId)).Single().Status == DeliveryStatus.Succeeded,
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task ABusyWaitEndsByTheClockAtTheConnectionsTimeout()
    {
        using var directory = new TempDirectory();
        var path = directory.File("busy.db");
        await using var holder = new SqliteConnection($"Data Source={path}");
        await holder.OpenAsync();
        await using (var setup = holder.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);";
            await setup.ExecuteNonQueryAsync();
        }
        await using var waiter = new SqliteConnection($"Data Source={path};Default Timeout=1");
        await waiter.OpenAsync();
        SqliteBusyWait.Apply(waiter);
        await using var write = waiter.CreateCommand();
        write.CommandText = "INSERT INTO t VALUES (2);";

        var waited = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SqliteException>(() => write.ExecuteNonQueryAsync());
        Assert.Equal(5, error.SqliteErrorCode); // SQLITE_BUSY
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
    }
}
