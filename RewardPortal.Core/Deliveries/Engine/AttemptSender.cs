using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// One attempt at one claimed delivery. Every failure becomes a result to record; no result (null) means the attempt
/// never started, because the node is stopping or the lease has too little time left, and the delivery is given back.
/// </summary>
internal sealed class AttemptSender(WebhookOptions options, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    public async Task<AttemptResult?> WebhookAsync(QueuedSend send, CancellationToken stopping)
    {
        var (work, target, sender) = send;
        try
        {
            // Its turn may come late behind a slow receiver: send only while a whole attempt fits in the lease.
            if (!stopping.IsCancellationRequested && clock.GetUtcNow().UtcDateTime + options.Timeout + LeaseMargin <= work.LeasedUntil)
                return PortalMetrics.Activities.HasListeners()
                    ? await SendTracedAsync(sender, work, target, stopping)
                    : await SendWebhookAsync(sender, work, target, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: no attempt to record; the lease is given back and the delivery goes out after the restart.
        }
        return null;
    }

    public async Task<AttemptResult?> EmailAsync(DeliveryWork work, DeliveryTarget target, EmailBatcher email, CancellationToken stopping)
    {
        try
        {
            return target.IsDeleted ? Deleted() : await email.SendAsync(work, target);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            using (LogScopes.Delivery(logger, work.Id, work.MessageId))
                logger.LogError(e, "Email delivery {DeliveryId} failed unexpectedly.", work.Id);
            return AttemptResult.NotSent(clock.GetUtcNow().UtcDateTime, $"Unexpected error: {e.Message}", permanent: false);
        }
    }

    private async Task<AttemptResult> SendWebhookAsync(WebhookSender sender, DeliveryWork work, DeliveryTarget target, CancellationToken stopping)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (target.IsDeleted)
            return Deleted();
        if (string.IsNullOrEmpty(target.Url) || string.IsNullOrEmpty(target.Secret))
            return AttemptResult.NotSent(now, "The webhook has no URL or no secret.", permanent: true);
        try
        {
            return await sender.SendAsync(new WebhookRequest(target.Url, work.MessageId, work.Body.Bytes, target.Secrets(now)), stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return AttemptResult.NotSent(now, e.Message, permanent: false);
        }
    }

    /// <summary>
    /// The attempt as a span, a child of the trace its event was recorded in, and its trace id kept with the attempt.
    /// Only when something listens: without tracing, a send allocates no span.
    /// </summary>
    private async Task<AttemptResult> SendTracedAsync(WebhookSender sender, DeliveryWork work, DeliveryTarget target, CancellationToken stopping)
    {
        ActivityContext.TryParse(work.TraceParent, null, out var parent);
        using var activity = PortalMetrics.Activities.StartActivity("deliver", ActivityKind.Producer, parent);
        if (activity is null)
            return await SendWebhookAsync(sender, work, target, stopping);
        activity.SetTag("rewardportal.delivery.id", work.Id);
        activity.SetTag("rewardportal.webhook.id", work.MessageId);
        var result = await SendWebhookAsync(sender, work, target, stopping);
        if (!result.Succeeded)
            activity.SetStatus(ActivityStatusCode.Error, result.StatusCode?.ToString() ?? "not sent");
        return result with { TraceId = activity.TraceId.ToHexString() };
    }

    private AttemptResult Deleted() =>
        AttemptResult.NotSent(clock.GetUtcNow().UtcDateTime, "Not sent: the notification was deleted.", permanent: true);
}
