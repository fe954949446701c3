using System.Diagnostics;
using System.Diagnostics.Metrics;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Operations;

/// <summary>
/// The app's own metrics (meter <see cref="MeterName"/>) and spans (activity source <see cref="ActivitySourceName"/>).
/// Recording is cheap enough for the engine's loop: an instrument nobody listens to returns at once, and with at most
/// three tags, all constant strings, a recorded value allocates nothing. The backlog gauges query the database, so they
/// exist only where something reads them (<see cref="ObserveBacklog"/>), and are read once per scrape.
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "RewardPortal";
    public const string ActivitySourceName = "RewardPortal";

    /// <summary>Spans of the app's own work; a static, as the framework's sources are: no listener, no cost.</summary>
    public static readonly ActivitySource Activities = new(ActivitySourceName);

    // Sends take milliseconds to the timeout; arrival after the event spans the retry schedule (up to hours).
    private static readonly double[] SendBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000, 86400];

    // A redemption's steps last from a tenth of a millisecond (its statements) to seconds (a queue under a burst).
    private static readonly double[] StepBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter meter;
    private readonly Counter<long> redemptions;
    private readonly Counter<long> attempts;
    private readonly Counter<long> completed;
    private readonly Counter<long> retries;
    private readonly Counter<long> disabled;
    private readonly Counter<long> emails;
    private readonly Histogram<double> sendDuration;
    private readonly Histogram<double> latency;
    private readonly Histogram<double> redemptionSteps;
    private readonly Histogram<double> apiKeyChecks;
    private int observingBacklog;

    public PortalMetrics(IMeterFactory meters)
    {
        meter = meters.Create(MeterName);
        redemptions = meter.CreateCounter<long>(
            "rewardportal.redemptions", "{redemption}", "Redemptions asked for, by outcome (redeemed, or the reason one was refused).");
        attempts = meter.CreateCounter<long>("rewardportal.delivery.attempts", "{attempt}", "Delivery attempts recorded, by channel and result.");
        completed = meter.CreateCounter<long>(
            "rewardportal.deliveries.completed", "{delivery}", "Deliveries finished, by channel and outcome (succeeded, failed).");
        retries = meter.CreateCounter<long>("rewardportal.delivery.retries", "{retry}", "Retries scheduled after a failed attempt, by channel.");
        disabled = meter.CreateCounter<long>("rewardportal.webhooks.disabled", "{webhook}", "Webhooks turned off because the receiver answered 410 Gone.");
        emails = meter.CreateCounter<long>("rewardportal.emails.sent", "{email}", "Notification emails handed to the mail server, by result.");
        sendDuration = meter.CreateHistogram("rewardportal.delivery.send.duration", "s", "How long one attempt took, by channel and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SendBuckets });
        latency = meter.CreateHistogram("rewardportal.delivery.latency", "s",
            "From the event's commit to its successful delivery, retries included, by channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        redemptionSteps = meter.CreateHistogram("rewardportal.redemption.step.duration", "s",
            "Where a redemption's time goes, by step: plan.wait (for a turn to read), plan (the reads before the write), " +
            "write.queue (for the writer), write (its own statements), commit (from them to the commit's end).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
        apiKeyChecks = meter.CreateHistogram("rewardportal.api.key.check.duration", "s", "How long checking a request's API key took, by result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
    }

    public void Redemption(string outcome) => redemptions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void RedemptionStep(string step, TimeSpan elapsed) =>
        redemptionSteps.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("step", step));

    /// <summary>A redemption's write: its wait for the writer, its statements and its commit.</summary>
    internal void RedemptionWrite(WriteTimings timings)
    {
        if (!timings.Complete || !redemptionSteps.Enabled)
            return;
        RedemptionStep("write.queue", timings.Queued);
        RedemptionStep("write", timings.Statements);
        RedemptionStep("commit", timings.Commit);
    }

    public void ApiKeyChecked(TimeSpan elapsed, bool known) =>
        apiKeyChecks.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("result", known ? "known" : "refused"));

    /// <summary>One recorded attempt, and what it made of its delivery (<paramref name="status"/>).</summary>
    internal void Attempt(NotificationChannel channel, AttemptResult result, DeliveryStatus status, DateTime eventAt)
    {
        var channelTag = new KeyValuePair<string, object?>("channel", channel == NotificationChannel.Email ? "email" : "webhook");
        var resultTag = new KeyValuePair<string, object?>("result", result.Succeeded ? "success" : "failure");
        attempts.Add(1, channelTag, resultTag);
        sendDuration.Record(result.DurationMs / 1000.0, channelTag, resultTag);
        switch (status)
        {
            case DeliveryStatus.Succeeded:
                completed.Add(1, channelTag, new KeyValuePair<string, object?>("outcome", "succeeded"));
                latency.Record(Math.Max(0, (result.StartedAt.AddMilliseconds(result.DurationMs) - eventAt).TotalSeconds), channelTag);
                break;
            case DeliveryStatus.Failed:
                completed.Add(1, channelTag, new KeyValuePair<string, object?>("outcome", "failed"));
                break;
            default:
                retries.Add(1, channelTag);
                break;
        }
    }

    internal void WebhookDisabled() => disabled.Add(1);

    internal void EmailsSent(int count, bool succeeded) => emails.Add(count, new KeyValuePair<string, object?>("result", succeeded ? "success" : "failure"));

    /// <summary>The backlog as gauges read on each collection: deliveries due now, and how long the oldest has waited.</summary>
    public void ObserveBacklog(DeliveryBacklog backlog)
    {
        if (Interlocked.Exchange(ref observingBacklog, 1) == 1)
            return;
        meter.CreateObservableGauge("rewardportal.deliveries.due", () => backlog.Read().Due, "{delivery}", "Pending deliveries whose next attempt is due.");
        meter.CreateObservableGauge("rewardportal.deliveries.oldest_due_age", () => backlog.Read().OldestDueAge.TotalSeconds, "s",
            "How long the oldest due delivery has waited.");
    }
}
