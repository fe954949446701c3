using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Email;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Bench;

internal sealed record BenchOptions(
    int Count = 20_000, int Concurrency = 32, int RatePerSecond = 200, int Seconds = 15, int Emails = 2_000, int Warmup = 15, bool Windows = false,
    int Rounds = 5);

/// <summary>Sorted latencies in milliseconds, from the commit and from the call, and the rate the schedule reached.</summary>
internal sealed record LatencyRun(double[] FromCommit, double[] FromRequest, double AchievedRate, TimeSpan AverageRedeemCall)
{
    public static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>One drain: deliveries per second until all were recorded, when the last arrived and was recorded, and the process's CPU.</summary>
internal sealed record DrainRun(double Rate, TimeSpan Arrived, TimeSpan Recorded, TimeSpan Cpu, long Allocated);

/// <summary>
/// With --windows: when each raw loop and each drain ran, in nanoseconds of the monotonic clock `perf record -k
/// CLOCK_MONOTONIC` stamps its samples with, so that bench/profile.sh can keep the samples of the measured runs only.
/// </summary>
internal static class Window
{
    public static void Print(BenchOptions options, string kind, TimeSpan lasted)
    {
        if (!options.Windows)
            return;
        var end = Stopwatch.GetElapsedTime(0).Ticks * 100L;
        Console.WriteLine($"window {kind} {end - lasted.Ticks * 100L} {end} {options.Count}");
    }
}

internal static class Scenarios
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The baseline: signed POSTs straight from an HttpClient, composing, signing and reading the answer as the engine does.</summary>
    public static async Task<double> RawWebhooksAsync(WebhookReceiver receiver, BenchOptions options, string secret)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false });
        client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookSender.UserAgent);
        var data = Seed.RedemptionData(1);
        var occurredAt = DateTime.UtcNow;
        receiver.Reset();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            var buffer = new byte[WebhookSender.ExcerptBytes];
            while (Interlocked.Increment(ref next) is var i && i < options.Count)
            {
                var id = $"msg_raw_{i}";
                var body = WebhookBody.Compose(EventTypes.RedemptionRequested, occurredAt, data);
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url()) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("webhook-id", id);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
                request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Header([secret], id, timestamp, body));
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var stream = await response.Content.ReadAsStreamAsync();
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"The receiver answered {response.StatusCode}.");
            }
        }));
        Window.Print(options, "raw", stopwatch.Elapsed);
        return options.Count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The engine drains a backlog of pending deliveries, on one node or on several sharing the database; the clock stops
    /// when every outcome is recorded in the database. Every delivery must have succeeded with exactly one attempt.
    /// </summary>
    public static async Task<DrainRun> DrainAsync(
        IReadOnlyList<Engine> nodes, WebhookReceiver receiver, BenchOptions options)
    {
        var engine = nodes[0];
        var notification = await Seed.WebhookAsync(engine, receiver.Url());
        Seed.PendingDeliveries(engine, notification.Id, options.Count);
        var allArrived = receiver.ResetAwaiting(options.Count);
        Seed.MakeDue(engine, notification.Id);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        foreach (var node in nodes)
            node.Signal();
        // The clock stops as close to the last commit as a poll can tell (a millisecond): the raw loop's stops exactly.
        await allArrived.WaitAsync(Limit).ContinueWith(_ => { }, TaskScheduler.Default);
        var arrived = stopwatch.Elapsed;
        while (Seed.Count(engine, $"\"Status\" = 0 AND \"NotificationId\" = {notification.Id}") > 0 && stopwatch.Elapsed < Limit)
            await Task.Delay(1);
        var recorded = stopwatch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Window.Print(options, "engine", recorded);
        var failed = Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND (\"Status\" <> 1 OR \"AttemptCount\" <> 1)");
        if (failed > 0)
            throw new InvalidOperationException($"{failed} deliveries did not succeed with exactly one attempt within {Limit}.");
        if (receiver.Count != options.Count)
            throw new InvalidOperationException($"The receiver got {receiver.Count} webhooks for {options.Count} deliveries.");
        return new DrainRun(options.Count / recorded.TotalSeconds, arrived, recorded, cpu, allocated);
    }

    /// <summary>
    /// Redemptions at a steady rate through the real <see cref="RedemptionService"/> (balance, ledger, audit, outbox), spread
    /// over many participants, each measured to its webhook's arrival at the receiver: from the moment RedeemAsync returned
    /// (just after the commit) and from the moment it was called (the request as a participant sees it).
    /// </summary>
    public static async Task<LatencyRun> LatencyAsync(Engine engine, WebhookReceiver receiver, BenchOptions options)
    {
        var webhook = await Seed.WebhookAsync(engine, receiver.Url());
        var (participants, reward) = await Seed.RedemptionTargetsAsync(engine, webhook.Id, 100);
        var redemptions = engine.Services.GetRequiredService<RedemptionService>();
        var requestedAt = new ConcurrentDictionary<long, long>();
        var committedAt = new ConcurrentDictionary<long, long>();
        var transactionTicks = 0L;
        receiver.Reset();
        receiver.RecordArrivals = true;

        async Task RedeemAsync(int i)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await redemptions.RedeemAsync(new RedeemRequest(participants[i % participants.Count].Id, reward.Id), "bench");
            var returned = Stopwatch.GetTimestamp();
            Interlocked.Add(ref transactionTicks, returned - started);
            requestedAt[result.Redemption.Id] = started;
            committedAt[result.Redemption.Id] = returned;
        }

        // An open-loop schedule: one redemption every 1/rate s, never waiting for the last.
        async Task<double> ScheduleAsync(int seconds)
        {
            var total = options.RatePerSecond * seconds;
            var interval = Stopwatch.Frequency / options.RatePerSecond;
            var running = new List<Task>(total);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < total; i++)
            {
                var due = start + i * interval;
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                    await Task.Delay(wait);
                var n = i;
                running.Add(Task.Run(() => RedeemAsync(n)));
            }
            await Task.WhenAll(running);
            var achieved = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
            var deadline = Stopwatch.StartNew();
            while (Seed.Count(engine, $"\"Status\" = 0 AND \"NotificationId\" = {webhook.Id}") > 0 && deadline.Elapsed < Limit)
                await Task.Delay(10);
            return achieved;
        }

        // Warm up at the same rate first: .NET compiles hot code again, optimised, only after it has run a while, and
        // a server measured before that is not the server that runs for weeks.
        await ScheduleAsync(options.Warmup);
        await Task.Delay(500);
        committedAt.Clear();
        requestedAt.Clear();
        receiver.ArrivedAt.Clear();
        transactionTicks = 0;
        var achieved = await ScheduleAsync(options.Seconds);
        receiver.RecordArrivals = false;

        var messages = Seed.MessageIdsByRedemption(engine, webhook.Id);
        double[] Latencies(ConcurrentDictionary<long, long> from) => from
            .Select(c => messages.TryGetValue(c.Key, out var id) && receiver.ArrivedAt.TryGetValue(id, out var arrived)
                ? Stopwatch.GetElapsedTime(c.Value, arrived).TotalMilliseconds : double.NaN)
            .Order().ToArray();
        var fromCommit = Latencies(committedAt);
        if (fromCommit.Any(double.IsNaN))
            throw new InvalidOperationException($"{fromCommit.Count(double.IsNaN)} webhooks never arrived.");
        var averageCall = Stopwatch.GetElapsedTime(0, transactionTicks) / committedAt.Count;
        return new LatencyRun(fromCommit, Latencies(requestedAt), achieved, averageCall);
    }

    /// <summary>Redemptions as fast as <paramref name="callers"/> callers can make them, one after another each.</summary>
    public static async Task<double> RedeemThroughputAsync(Engine engine, WebhookReceiver receiver, int callers, int seconds, bool webhook = true)
    {
        long? webhookId = webhook ? (await Seed.WebhookAsync(engine, receiver.Url())).Id : null;
        var (participants, reward) = await Seed.RedemptionTargetsAsync(engine, webhookId, 100);
        var redemptions = engine.Services.GetRequiredService<RedemptionService>();
        var done = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (var i = c; stopwatch.Elapsed.TotalSeconds < seconds; i += callers)
            {
                await redemptions.RedeemAsync(new RedeemRequest(participants[i % participants.Count].Id, reward.Id), "bench");
                Interlocked.Increment(ref done);
            }
        })));
        return done / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Emails straight through the transport (one connection, bursts of 100), for comparison.</summary>
    public static async Task<double> RawEmailsAsync(Engine engine, Smtp smtp, int count)
    {
        var composer = engine.Services.GetRequiredService<NotificationEmailComposer>();
        var transport = engine.Services.GetRequiredService<IMailTransport>();
        var data = Seed.RedemptionData(1);
        var recipients = new List<EmailRecipient> { new("Fulfilment team", "fulfilment@bench.local") };
        var before = smtp.Count;
        var stopwatch = Stopwatch.StartNew();
        for (var sent = 0; sent < count; sent += 100)
        {
            var burst = Enumerable.Range(sent, Math.Min(100, count - sent))
                .Select(i => composer.Compose($"msg_raw_{i}", EventTypes.RedemptionRequested, DateTime.UtcNow, data, recipients))
                .ToList<MimeMessage>();
            await transport.SendAsync(burst, CancellationToken.None);
        }
        var rate = count / stopwatch.Elapsed.TotalSeconds;
        while (smtp.Count < before + count && stopwatch.Elapsed < Limit)
            await Task.Delay(10);
        return rate;
    }

    /// <summary>The engine drains a backlog of email deliveries to the SMTP server; the clock stops when every outcome is recorded.</summary>
    public static async Task<double> EmailDrainAsync(Engine engine, Smtp smtp, int count)
    {
        var notification = await Seed.EmailNotificationAsync(engine);
        Seed.PendingDeliveries(engine, notification.Id, count);
        Seed.MakeDue(engine, notification.Id);
        var stopwatch = Stopwatch.StartNew();
        engine.Signal();
        while (Seed.Count(engine, $"\"Status\" = 0 AND \"NotificationId\" = {notification.Id}") > 0 && stopwatch.Elapsed < Limit)
            await Task.Delay(10);
        var elapsed = stopwatch.Elapsed;
        var failed = Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND \"Status\" <> 1");
        if (failed > 0)
            throw new InvalidOperationException($"{failed} emails did not succeed within {Limit}.");
        return count / elapsed.TotalSeconds;
    }
}
