using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Webhooks;

[Collection(HostedAppCollection.Name)]
public sealed class SlowReceiverTests
{
    [Fact]
    public async Task ASlowReceiverDoesNotDelayAnotherReceiversDeliveries()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        await using var fast = await WebhookReceiver.StartAsync();
        slow.Respond = (_, _) => new Reply(200, Delay: TimeSpan.FromSeconds(10));
        await using var factory = new PortalFactory(TestData.FastRetries(timeout: "00:00:01.500")
            .With(new() { ["Webhooks:MaxConcurrencyPerEndpoint"] = "2", ["Webhooks:MaxConcurrency"] = "8" }));
        _ = factory.Server;
        var slowHook = await factory.CreateWebhookAsync(slow.Url(), EventTypes.ParticipantCreated);
        await factory.CreateWebhookAsync(fast.Url(), EventTypes.ParticipantCreated);

        var started = DateTime.UtcNow;
        for (var i = 0; i < 10; i++)
            await factory.CreateParticipantAsync();

        var arrived = await fast.WaitForAsync(10, TimeSpan.FromSeconds(5));
        var lastFast = arrived.Max(r => r.ArrivedAt);
        Assert.True(lastFast - started < TimeSpan.FromSeconds(1.4),
            $"the fast receiver's last webhook came {(lastFast - started).TotalMilliseconds:0} ms after the first event, behind the slow one's 1.5 s timeout");
        Assert.True(slow.Requests.Count(r => r.ArrivedAt <= lastFast) <= 2, "the slow receiver never had more than its lane's 2 attempts in flight");

        // The slow receiver's attempts time out and are retried; nothing is lost.
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(slowHook.Id))
            .Any(d => d.Attempts.Any(a => a.Error!.Contains("No answer within 1.5 s"))),
            TimeSpan.FromSeconds(10), "a timed-out attempt to be logged");
        Assert.All(await factory.DeliveriesAsync(slowHook.Id), d => Assert.NotEqual(DeliveryStatus.Succeeded, d.Status));
    }
}
