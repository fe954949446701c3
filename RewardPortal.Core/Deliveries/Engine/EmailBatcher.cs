using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MimeKit;
using RewardPortal.Core.Email;
using RewardPortal.Core.Operations;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// Email deliveries share one SMTP connection: whatever is waiting when the batcher is free goes out as one burst through
/// <see cref="IMailTransport.SendAsync"/>. A failed burst fails each of its messages (they are retried like webhooks).
/// </summary>
internal sealed class EmailBatcher(IMailTransport transport, NotificationEmailComposer composer, TimeProvider clock, PortalMetrics metrics, ILogger logger)
{
    public const int MaxBurst = 100;

    private readonly Channel<(DeliveryWork Work, DeliveryTarget Target, TaskCompletionSource<AttemptResult> Done)> queue =
        Channel.CreateUnbounded<(DeliveryWork, DeliveryTarget, TaskCompletionSource<AttemptResult>)>(new UnboundedChannelOptions { SingleReader = true });

    public Task<AttemptResult> SendAsync(DeliveryWork work, DeliveryTarget target)
    {
        var done = new TaskCompletionSource<AttemptResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite((work, target, done)))
            done.SetCanceled();
        return done.Task;
    }

    public void Complete() => queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken stopping)
    {
        var burst = new List<(DeliveryWork Work, DeliveryTarget Target, TaskCompletionSource<AttemptResult> Done)>(MaxBurst);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (burst.Count < MaxBurst && queue.Reader.TryRead(out var item))
                burst.Add(item);
            if (stopping.IsCancellationRequested)
            {
                burst.ForEach(b => b.Done.TrySetCanceled());
                burst.Clear();
                continue;
            }
            await SendBurstAsync(burst, stopping);
            burst.Clear();
        }
    }

    private async Task SendBurstAsync(
        List<(DeliveryWork Work, DeliveryTarget Target, TaskCompletionSource<AttemptResult> Done)> burst, CancellationToken stopping)
    {
        var startedAt = clock.GetUtcNow().UtcDateTime;
        var messages = new List<MimeMessage>(burst.Count);
        var sending = new List<TaskCompletionSource<AttemptResult>>(burst.Count);
        foreach (var (work, target, done) in burst)
        {
            if (target.Recipients.Count == 0 && !target.NotifyParticipant)
            {
                done.TrySetResult(
                    AttemptResult.NotSent(startedAt, "No recipients: every team member of this notification is disabled or removed.", permanent: true));
                continue;
            }
            var audience = EmailAudience.For(target, work.EmailedElsewhere);
            if (audience.IsEmpty)
            {
                done.TrySetResult(
                    new AttemptResult(startedAt, 0, true, null, "Nothing to send: another notification already emails each recipient about this event.", null));
                continue;
            }
            try
            {
                var data = Encoding.UTF8.GetString(work.Body.Data);
                if (audience.Team.Count > 0)
                    messages.Add(composer.Compose(work.MessageId, work.EventType, work.OccurredAt, data, audience.Team, target.Templates?.Team));
                if (audience.Participant)
                    messages.Add(composer.ComposeForParticipant(work.MessageId, data, target.Templates?.Participant, work.EventType, work.OccurredAt));
                sending.Add(done);
            }
            catch (Exception e)
            {
                done.TrySetResult(AttemptResult.NotSent(startedAt, $"The email could not be composed: {e.Message}", permanent: true));
            }
        }
        if (messages.Count == 0)
            return;

        var started = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            await transport.SendAsync(messages, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            sending.ForEach(d => d.TrySetCanceled());
            return;
        }
        catch (Exception e)
        {
            // Which messages of the burst went out is unknown: all are retried (at least once, never lost).
            error = $"SMTP: {e.Message}";
            logger.LogWarning("Sending {Count} emails failed; they are retried: {Error}", messages.Count, e.Message);
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        metrics.EmailsSent(messages.Count, error is null);
        foreach (var done in sending)
            done.TrySetResult(
                new AttemptResult(startedAt, duration, error is null, null, error is null ? $"Sent in a burst of {messages.Count}." : null, error));
    }
}
