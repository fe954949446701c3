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

internal sealed record BenchOptions(int Count = 20_000, int Concurrency = 32, int RatePerSecond = 200, int Seconds = 15, int Emails = 2_000);

internal static class Scenarios
{
    public static long CommitTicks, Commits;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    /// <summary>The baseline: signed POSTs straight from an HttpClient, composing, signing and reading the answer as the engine does.</summary>
    public static async Task<double> RawWebhooksAsync(Receiver receiver, BenchOptions options, string secret)
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
                using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new ByteArrayContent(body) };
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
        return options.Count / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>The engine drains a backlog of pending deliveries; the clock stops when every outcome is recorded in the database.</summary>
    public static async Task<(double Rate, TimeSpan Arrived, TimeSpan Recorded, TimeSpan Cpu)> DrainAsync(Engine engine, Receiver receiver, BenchOptions options)
    {
        var notification = await Seed.WebhookAsync(engine, receiver.Url);
        Seed.PendingDeliveries(engine, notification.Id, options.Count);
        receiver.Reset();
        Seed.MakeDue(engine, notification.Id);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        engine.Signal();
        while (receiver.Count < options.Count && stopwatch.Elapsed < Limit)
            await Task.Delay(10);
        var arrived = stopwatch.Elapsed;
        while (Seed.Count(engine, $"\"Status\" = 0 AND \"NotificationId\" = {notification.Id}") > 0 && stopwatch.Elapsed < Limit)
            await Task.Delay(10);
        var recorded = stopwatch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var failed = Seed.Count(engine, $"\"NotificationId\" = {notification.Id} AND \"Status\" <> 1");
        if (failed > 0)
            throw new InvalidOperationException($"{failed} deliveries did not succeed within {Limit}.");
        return (options.Count / recorded.TotalSeconds, arrived, recorded, cpu);
    }

    /// <summary>
    /// Redemptions at a steady rate through the outbox (row + EventRecorder + commit + signal), each measured from its
    /// commit to its webhook's arrival at the receiver.
    /// </summary>
    public static async Task<(double[] Latencies, double AchievedRate)> LatencyAsync(Engine engine, Receiver receiver, BenchOptions options)
    {
        var webhook = await Seed.WebhookAsync(engine, receiver.Url);
        var (participant, reward) = await Seed.RedemptionTargetsAsync(engine, webhook.Id);
        var recorder = engine.Services.GetRequiredService<EventRecorder>();
        var signal = engine.Services.GetRequiredService<IDeliverySignal>();
        var committedAt = new ConcurrentDictionary<string, long>();
        receiver.Reset();
        receiver.RecordArrivals = true;

        async Task RedeemAsync()
        {
            await using var db = await engine.DbAsync();
            if (Environment.GetEnvironmentVariable("BENCH_NORMAL") == "1")
            {
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL");
            }
            var t0 = Stopwatch.GetTimestamp();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var redemption = new Redemption
            {
                ParticipantId = participant.Id, RewardId = reward.Id, Reward = RewardSnapshot.Of(reward), RewardType = reward.Type,
                CostCurrency = reward.CostCurrency, Cost = reward.Cost, Status = RedemptionStatus.Requested, CreatedAt = DateTime.UtcNow,
            };
            db.Redemptions.Add(redemption);
            await db.SaveChangesAsync();
            await recorder.RecordAsync(db, EventTypes.RedemptionRequested, RedemptionEventData.Of(redemption, participant),
                new EventSubject(redemption.Id, participant.Id, reward.Id, reward.Type));
            var messageIds = db.ChangeTracker.Entries<Delivery>().Select(e => e.Entity.MessageId).ToList();
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            var now = Stopwatch.GetTimestamp();
            Interlocked.Add(ref CommitTicks, now - t0); Interlocked.Increment(ref Commits);
            foreach (var id in messageIds)
                committedAt[id] = now;
            signal.DeliveriesWritten();
        }

        // Warm up (JIT, connections), then measure an open-loop schedule: one redemption every 1/rate s, never waiting for the last.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RedeemAsync()));
        await Task.Delay(500);
        committedAt.Clear();
        receiver.ArrivedAt.Clear();

        var total = options.RatePerSecond * options.Seconds;
        var interval = Stopwatch.Frequency / options.RatePerSecond;
        var running = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + i * interval;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait);
            running.Add(Task.Run(RedeemAsync));
        }
        await Task.WhenAll(running);
        var achieved = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        var deadline = Stopwatch.StartNew();
        while (receiver.ArrivedAt.Count < committedAt.Count && deadline.Elapsed < Limit)
            await Task.Delay(10);
        receiver.RecordArrivals = false;
        var latencies = committedAt
            .Select(c => receiver.ArrivedAt.TryGetValue(c.Key, out var arrived) ? Stopwatch.GetElapsedTime(c.Value, arrived).TotalMilliseconds : double.NaN)
            .ToArray();
        if (latencies.Any(double.IsNaN))
            throw new InvalidOperationException($"{latencies.Count(double.IsNaN)} webhooks never arrived.");
        Array.Sort(latencies);
        return (latencies, achieved);
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
