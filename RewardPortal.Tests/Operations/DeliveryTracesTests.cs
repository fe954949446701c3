using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

/// <summary>A redemption's request, its transaction and each delivery attempt share one trace, on both providers.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class DeliveryTracesTests : WebhookEngineTest
{
    [Theory, MemberData(nameof(Providers))]
    public async Task WithTracingOnEachAttemptRecordsTheTraceOfTheRedemptionRequest(string provider)
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PortalMetrics.ActivitySourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        receiver.Respond = WebhookReceiver.FailTimes(1, status: 503);

        var (webhookId, redemptionId) = await RedeemThroughTheApiAsync(provider);

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhookId)).Single().Status == DeliveryStatus.Succeeded);
        var redeem = stopped.Single(a => a.OperationName == "redeem" && Equals(a.GetTagItem("rewardportal.redemption.id"), redemptionId));
        var request = redeem.Parent!;
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        var attempts = (await factory.DeliveriesAsync(webhookId)).Single().Attempts.OrderBy(a => a.Id).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(request.TraceId.ToHexString(), a.TraceId));
        await Wait.UntilAsync(() => Task.FromResult(stopped.Count(a => a.OperationName == "deliver" && a.TraceId == request.TraceId) == 2));
        Assert.All(stopped.Where(a => a.OperationName == "deliver" && a.TraceId == request.TraceId), a => Assert.Equal(redeem.SpanId, a.ParentSpanId));
        // The receiver gets the trace too (W3C traceparent), to continue it if it traces.
        Assert.All(receiver.Requests, r => Assert.StartsWith($"00-{request.TraceId.ToHexString()}-", r.Header("traceparent")));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WithoutTracingAttemptsRecordNoTrace(string provider)
    {
        var (webhookId, _) = await RedeemThroughTheApiAsync(provider);

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhookId)).Single().Status == DeliveryStatus.Succeeded);
        Assert.Null(Assert.Single((await factory.DeliveriesAsync(webhookId)).Single().Attempts).TraceId);
        Assert.Equal("", Assert.Single(receiver.Requests).Header("traceparent"));
        await using var db = await factory.CreateDbContextAsync();
        Assert.All(await db.Events.ToListAsync(), e => Assert.Null(e.TraceParent));
    }

    private async Task<(long WebhookId, long RedemptionId)> RedeemThroughTheApiAsync(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url());
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.Custom, webhook.Id);
        var api = factory.ApiClient();
        (await api.PostJsonAsync($"/api/v1/participants/{participant.Id}/credits", new { points = 1000, reason = "Test credit" })).EnsureSuccessStatusCode();
        var redeemed = await api.PostJsonAsync("/api/v1/redemptions", new { participantId = participant.Id, rewardId = reward.Id });
        redeemed.EnsureSuccessStatusCode();
        return (webhook.Id, (long)(await redeemed.JsonAsync())["redemption"]!["id"]!);
    }
}
