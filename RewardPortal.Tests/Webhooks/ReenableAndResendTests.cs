using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Webhooks;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Webhooks;

/// <summary>A dead webhook turned off by the hourly job, then brought back through the API: the receiver gets what failed.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ReenableAndResendTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private PortalFactory factory = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        factory = new PortalFactory(EngineData.FastRetries());
        _ = factory.Server;
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task AWebhookTurnedOffAfterFiveDaysOfFailuresIsReEnabledAndItsFailedDeliveriesArriveWithTheirWebhookIds()
    {
        receiver.Respond = (_, _) => new Reply(503);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();
        await factory.CreateParticipantAsync();
        await EngineData.WaitUntilAsync(
            async () => (await factory.DeliveriesAsync(webhook.Id)) is { Count: 2 } d && d.All(x => x.Status == DeliveryStatus.Failed),
            what: "two failed deliveries");
        await BackdateFirstDeliveryAsync(webhook.Id, TimeSpan.FromDays(6));

        var turnedOff = await factory.WithServiceAsync<List<long>, WebhookAutoDisableJob>(job => job.RunAsync(CancellationToken.None));

        Assert.Equal([webhook.Id], turnedOff);
        await factory.CreateParticipantAsync();
        Assert.Equal(2, (await factory.DeliveriesAsync(webhook.Id)).Count);
        var api = factory.ApiClient();
        var health = await (await api.GetAsync($"/api/v1/webhooks/{webhook.Id}/health")).JsonAsync();
        Assert.Equal("disabled", (string?)health["state"]);
        Assert.Equal(16, (int)health["consecutiveFailures"]!);

        receiver.Respond = (_, _) => new Reply(200, "back");
        var requestsBefore = receiver.Requests.Count;
        var since = DateTime.UtcNow.AddDays(-7);
        var count = await factory.WithServiceAsync<int, WebhookRecovery>(r => r.CountAsync(webhook.Id, since, isOwner: true));
        var answer = await api.PostJsonAsync($"/api/v1/webhooks/{webhook.Id}/reenable", new { since });

        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        Assert.Equal(2, count);
        Assert.Equal(2, (int)(await answer.JsonAsync())["resent"]!);
        var resent = (await receiver.WaitForAsync(requestsBefore + 2)).Skip(requestsBefore).Select(r => r.Id).Order().ToList();
        var deliveries = await factory.DeliveriesAsync(webhook.Id);
        Assert.Equal(deliveries.Select(d => d.MessageId).Order(), resent);
        await EngineData.WaitUntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).All(d => d.Status == DeliveryStatus.Succeeded),
            what: "the re-sent deliveries to succeed");
        await using var db = await factory.CreateDbContextAsync();
        var notification = await db.Notifications.AsNoTracking().SingleAsync(n => n.Id == webhook.Id);
        Assert.Equal((true, null, null), (notification.IsEnabled, notification.DisabledAt, notification.DisabledReason));
        Assert.Contains("2 failed deliveries", (await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "webhook.reenabled_and_resent")).Details);
        Assert.Single(await db.AuditEntries.AsNoTracking().Where(a => a.Action == "webhook.auto_disabled").ToListAsync());
    }

    [Fact]
    public async Task ReEnablingWithoutATimeResendsWhatFailedSinceItWasTurnedOffAndAFutureTimeIsRefused()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        var api = factory.ApiClient();

        var enabled = await api.PostJsonAsync($"/api/v1/webhooks/{webhook.Id}/reenable", new { });
        await enabled.AssertProblemAsync(422, "since");
        var future = await api.PostJsonAsync($"/api/v1/webhooks/{webhook.Id}/reenable", new { since = DateTime.UtcNow.AddDays(1) });
        await future.AssertProblemAsync(422, "since");
        await (await api.PostJsonAsync("/api/v1/webhooks/4242/reenable", new { })).AssertProblemAsync(404);

        await (await api.PatchAsync($"/api/v1/webhooks/{webhook.Id}", JsonContent(new JsonObject { ["enabled"] = false }))).Content.ReadAsStringAsync();
        var answer = await (await api.PostJsonAsync($"/api/v1/webhooks/{webhook.Id}/reenable", new { })).JsonAsync();
        Assert.Equal(0, (int)answer["resent"]!);
        await using var db = await factory.CreateDbContextAsync();
        Assert.True((await db.Notifications.AsNoTracking().SingleAsync(n => n.Id == webhook.Id)).IsEnabled);
    }

    private static StringContent JsonContent(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    /// <summary>Moves the first delivery and its attempts into the past, as if the receiver had been failing since then.</summary>
    private async Task BackdateFirstDeliveryAsync(long webhookId, TimeSpan by)
    {
        await using var db = await factory.CreateDbContextAsync();
        var first = await db.Deliveries.Include(d => d.Attempts).Where(d => d.NotificationId == webhookId).OrderBy(d => d.Id).FirstAsync();
        first.CreatedAt -= by;
        first.CompletedAt -= by;
        foreach (var attempt in first.Attempts)
            attempt.StartedAt -= by;
        await db.SaveChangesAsync();
    }
}
