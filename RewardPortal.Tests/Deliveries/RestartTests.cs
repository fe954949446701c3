using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

[Collection(HostedAppCollection.Name)]
public sealed class RestartTests
{
    [Fact]
    public async Task DeliveriesPendingWhenTheAppStopsAreSentAfterItStartsAgain()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        // The first run's attempt hangs until the app stops in the middle of it; after the restart the receiver answers.
        var firstRun = true;
        receiver.Respond = (_, _) => firstRun ? new Reply(200, Delay: TimeSpan.FromSeconds(30)) : new Reply(200, "back");
        var settings = TestData.FastRetries(timeout: "00:00:30");

        long webhookId;
        string secret;
        var first = new PortalFactory(settings, directory);
        _ = first.Server;
        var created = await first.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        (webhookId, secret) = (created.Id, created.Secret!);
        await first.CreateParticipantAsync("In flight at the stop");
        await receiver.WaitForAsync(1);
        await first.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        firstRun = false;

        await using var second = new PortalFactory(settings, directory);
        _ = second.Server;

        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(requests[0].Id, requests[1].Id);
        Assert.True(StandardWebhooks.Verify(secret, requests[1]));
        await Wait.UntilAsync(async () => (await second.DeliveriesAsync(webhookId)).Single().Status == DeliveryStatus.Succeeded);
        var delivery = (await second.DeliveriesAsync(webhookId)).Single();
        Assert.Equal("back", Assert.Single(delivery.Attempts).ResponseExcerpt);
    }

    [Fact]
    public async Task DeliveriesClaimedByAnEngineThatWasKilledGoOutAtOnceOnTheNextStart()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TestData.FastRetries();
        var webhookId = await WriteWithoutEngineAsync(directory, settings, receiver, participants: 1);
        // As a killed engine leaves its work: claimed, with minutes to go on the lease and no one to give it back.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={directory.File("portal.db")}"))
        {
            connection.Open();
            using var claim = connection.CreateCommand();
            claim.CommandText = """
                UPDATE "Deliveries" SET "LeasedBy" = 'killed-host:4242:0badf00d#7', "LeasedUntil" = strftime('%Y-%m-%d %H:%M:%f', 'now', '+10 minutes')
                """;
            Assert.Equal(1, claim.ExecuteNonQuery());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var restarted = new PortalFactory(settings, directory);
        _ = restarted.Server;

        Assert.Single(await receiver.WaitForAsync(1));
        await Wait.UntilAsync(async () => (await restarted.DeliveriesAsync(webhookId)).Single().Status == DeliveryStatus.Succeeded);
        Assert.Contains(restarted.Logs.Lines, l => l.Contains("Took back 1 deliveries claimed by an engine that stopped"));
    }

    [Fact]
    public async Task DeliveriesWrittenWhileNoWorkerRunsAreSentWhenOneStarts()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TestData.FastRetries();
        var webhookId = await WriteWithoutEngineAsync(directory, settings, receiver, participants: 3);

        await using var worker = new PortalFactory(settings, directory);
        _ = worker.Server;

        Assert.Equal(3, (await receiver.WaitForAsync(3)).Select(r => r.Id).Distinct().Count());
        await Wait.UntilAsync(async () => (await worker.DeliveriesAsync(webhookId)).All(d => d.Status == DeliveryStatus.Succeeded));
    }

    /// <summary>A web-only node (no engine) writes a webhook and its deliveries, then stops: nothing was sent.</summary>
    private static async Task<long> WriteWithoutEngineAsync(
        TempDirectory directory, Dictionary<string, string?> settings, WebhookReceiver receiver, int participants)
    {
        var webOnly = new PortalFactory(new Dictionary<string, string?>(settings) { ["Node:Role"] = "Web" }, directory);
        _ = webOnly.Server;
        var webhook = await webOnly.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        for (var i = 0; i < participants; i++)
            await webOnly.CreateParticipantAsync();
        await Task.Delay(300);
        Assert.Empty(receiver.Requests);
        await webOnly.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return webhook.Id;
    }
}
