using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

[Collection(HostedAppCollection.Name)]
public sealed class HealthTests
{
    [Fact]
    public async Task AFreshNodeIsLiveAndReadyAndOnlyTheOwnerSeesTheDetail()
    {
        await using var factory = new PortalFactory();
        var anonymous = factory.CreateClient();

        Assert.Equal("ok", await anonymous.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await anonymous.GetStringAsync("/healthz/live"));
        var ready = await anonymous.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());

        var detail = await (await factory.ApiClient().GetAsync("/healthz/ready")).JsonAsync();
        Assert.Equal("Healthy", (string?)detail["checks"]!["database"]!["status"]);
        Assert.Equal("Healthy", (string?)detail["checks"]!["delivery-engine"]!["status"]);
        var owner = await factory.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.Equal("Healthy", (string?)(await (await owner.GetAsync("/healthz/ready")).JsonAsync())["checks"]!["database"]!["status"]);
    }

    [Fact]
    public async Task ReadyTurnsUnhealthyWhileTheDatabaseFileIsUnreadable()
    {
        await using var factory = new PortalFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
        // Signed in while the database answers: the cookie is checked without it (an API key is looked up in it).
        var owner = await factory.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        var file = factory.Directory.File("portal.db");

        // The app's open connections keep the moved file; what stands at the path is no database. (Checkpointed first,
        // or a new connection would read the newest pages from the WAL beside it rather than from the file.)
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        File.Move(file, file + ".moved");
        await File.WriteAllBytesAsync(file, Enumerable.Repeat((byte)'x', 8192).ToArray());
        try
        {
            var ready = await client.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live")).StatusCode);
            var detail = await (await owner.GetAsync("/healthz/ready")).JsonAsync();
            Assert.Contains("The database does not answer", (string?)detail["checks"]!["database"]!["description"]);
        }
        finally
        {
            File.Delete(file);
            File.Move(file + ".moved", file);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task ReadyTurnsUnhealthyWhenTheEngineIsStoppedWithDeliveriesDue()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = new PortalFactory(TestData.FastRetries());
        var client = factory.CreateClient();
        await factory.Services.GetRequiredService<DeliveryDispatcher>().StopAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready")).StatusCode);

        await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();
        await Task.Delay(2100); // past the backlog's few seconds of freshness

        var ready = await client.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var engine = (await (await factory.ApiClient().GetAsync("/healthz/ready")).JsonAsync())["checks"]!["delivery-engine"]!;
        Assert.Equal("Unhealthy", (string?)engine["status"]);
        Assert.Equal(1, (int)engine["data"]!["due"]!);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task AWebNodeRunsNoEngineCheck()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = new PortalFactory(new Dictionary<string, string?> { ["Node:Role"] = "Web" });
        await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();

        var detail = await (await factory.ApiClient().GetAsync("/healthz/ready")).JsonAsync();

        Assert.Equal("Healthy", (string?)detail["status"]);
        Assert.Null(detail["checks"]!["delivery-engine"]);
    }
}
