using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Jobs;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

[Collection(HostedAppCollection.Name)]
public sealed class RedeliveryTests() : WebhookEngineTest(startAtOnce: true)
{
    [Fact]
    public async Task ReSendingADeliveredWebhookSendsItAgainWithTheSameWebhookId()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);
        var delivery = (await factory.DeliveriesAsync(webhook.Id)).Single();

        await factory.WithServiceAsync<bool, RedeliveryService>(async s => { await s.RedeliverAsync(delivery.Id, "admin@test"); return true; });

        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(delivery.MessageId, requests[1].Id);
        Assert.True(StandardWebhooks.Verify(webhook.Secret!, requests[1]));
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Attempts.Count == 2);
        await using var db = await factory.CreateDbContextAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "delivery.redelivered" && a.Actor == "admin@test"));
    }

    [Fact]
    public async Task ReSendingAnUnknownDeliveryIsNotFound()
    {
        var error = await Assert.ThrowsAsync<PortalException>(() =>
            factory.WithServiceAsync<bool, RedeliveryService>(async s => { await s.RedeliverAsync(4242, "admin@test"); return true; }));
        Assert.Equal(PortalErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task ReSendingAllFailedSinceADateRunsAsAJobThatReportsProgress()
    {
        receiver.Respond = (_, _) => new Reply(500);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        for (var i = 0; i < 3; i++)
            await factory.CreateParticipantAsync();
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)) is { Count: 3 } d && d.All(x => x.Status == DeliveryStatus.Failed),
            what: "three failed deliveries");
        receiver.Respond = (_, _) => new Reply(200, "recovered");

        await using var scope = factory.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<RedeliveryService>();
        var jobId = service.StartRedeliverFailed(DateTime.UtcNow.AddHours(-1), notificationId: null, "owner@test");

        RedeliveryProgress? progress = null;
        await Wait.UntilAsync(() => Task.FromResult((progress = service.Progress(jobId)) is { Finished: true }), what: "the job to finish");
        Assert.Equal(new RedeliveryProgress(3, 3, "Succeeded"), progress);
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).All(d => d.Status == DeliveryStatus.Succeeded),
            what: "the re-sent deliveries to succeed");
        var recovered = receiver.Requests.Where(r => receiver.Requests.Count(x => x.Id == r.Id) == 9).Select(r => r.Id).Distinct();
        Assert.Equal(3, recovered.Count());
    }

    [Fact]
    public async Task DeletingANotificationKeepsItsHistoryAndDropsWhatItHadQueued()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);

        await factory.WithServiceAsync<bool, NotificationService>(async s => { await s.DeleteAsync(webhook.Id, "owner@test", isOwner: true); return true; });
        await factory.CreateParticipantAsync();

        await Task.Delay(300);
        Assert.Single(receiver.Requests);
        Assert.Single(await factory.DeliveriesAsync(webhook.Id));
        Assert.DoesNotContain(await factory.WithServiceAsync<List<NotificationRow>, NotificationService>(s => s.ListAsync()), n => n.Id == webhook.Id);
    }
}
