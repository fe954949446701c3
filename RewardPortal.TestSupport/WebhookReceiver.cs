using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RewardPortal.TestSupport;

/// <summary>A request as it reached the receiver.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTime ArrivedAt, long ArrivedTimestamp)
{
    public string Text => Encoding.UTF8.GetString(Body);
    public string Id => Headers.GetValueOrDefault("webhook-id") ?? "";
    public string Header(string name) => Headers.GetValueOrDefault(name) ?? "";
}

/// <summary>What the receiver answers; <see cref="Delay"/> before answering, <see cref="EndlessBody"/> streams until the caller hangs up.</summary>
public sealed record Reply(
    int Status = 200, string Body = "ok", TimeSpan Delay = default, IReadOnlyDictionary<string, string>? Headers = null, bool EndlessBody = false);

/// <summary>
/// A real Kestrel listener on 127.0.0.1 that records every request and answers as the test programs it.
/// Its signature check is written from the Standard Webhooks spec, independently of the sender's code.
/// For the bench, <see cref="KeepRequests"/> off makes it count and time arrivals only, as a lean receiver would.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> requests = new();
    private readonly ConcurrentDictionary<string, int> attemptsById = new();
    private readonly SemaphoreSlim arrived = new(0);
    private int count;
    private int awaited = -1;
    private TaskCompletionSource allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Keep each request's headers and body (on by default); off, the body is read and dropped.</summary>
    public bool KeepRequests { get; set; } = true;

    /// <summary>Note each webhook-id's first arrival in <see cref="ArrivedAt"/> (Stopwatch ticks).</summary>
    public bool RecordArrivals { get; set; }

    public ConcurrentDictionary<string, long> ArrivedAt { get; } = new();

    /// <summary>Requests answered with a success since the last reset.</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>How to answer: given the request and how many times its webhook-id has now arrived (1 the first time).</summary>
    public Func<ReceivedWebhook, int, Reply> Respond { get; set; } = (_, _) => new Reply();

    public IReadOnlyList<ReceivedWebhook> Requests => requests.ToList();

    public string Url(string path = "hooks") => new Uri(BaseUrl, path).ToString();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Receiver" });
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrivedAt = Stopwatch.GetTimestamp();
        var id = context.Request.Headers["webhook-id"].ToString();
        ReceivedWebhook request;
        if (KeepRequests)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            request = new ReceivedWebhook(context.Request.Path, headers, body.ToArray(), DateTime.UtcNow, arrivedAt);
        }
        else
        {
            var buffer = new byte[4096];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
            request = new ReceivedWebhook(context.Request.Path, new Dictionary<string, string> { ["webhook-id"] = id }, [], DateTime.UtcNow, arrivedAt);
        }
        var attempt = attemptsById.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (KeepRequests)
        {
            requests.Enqueue(request);
            arrived.Release();
        }

        var reply = Respond(request, attempt);
        if (reply.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(reply.Delay, context.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        context.Response.StatusCode = reply.Status;
        if (reply.Status is >= 200 and < 300)
            Answered(id, arrivedAt);
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        if (!reply.EndlessBody)
        {
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
            return;
        }
        // Bounded "endless": 64 MB or 30 s, whichever first, unless the caller hangs up sooner (as it should).
        var chunk = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        var until = DateTime.UtcNow.AddSeconds(30);
        try
        {
            for (var i = 0; i < 1024 && DateTime.UtcNow < until; i++)
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived; fails the test after the timeout.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (requests.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
                throw new TimeoutException($"The receiver got {requests.Count} of {count} webhooks in time.");
        }
        return Requests;
    }

    private void Answered(string id, long arrivedAt)
    {
        if (RecordArrivals)
            ArrivedAt.TryAdd(id, arrivedAt);
        if (Interlocked.Increment(ref count) == Volatile.Read(ref awaited))
            allArrived.TrySetResult();
    }

    public void Reset() => ResetAwaiting(-1);

    /// <summary>Starts counting afresh; the task completes the moment the <paramref name="expected"/>th success was answered.</summary>
    public Task ResetAwaiting(int expected)
    {
        allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref awaited, expected);
        Interlocked.Exchange(ref count, 0);
        ArrivedAt.Clear();
        attemptsById.Clear();
        return allArrived.Task;
    }

    /// <summary>Answers <paramref name="status"/> to the first <paramref name="failures"/> attempts of each message, then 200.</summary>
    public static Func<ReceivedWebhook, int, Reply> FailTimes(int failures, int status = 500) =>
        (_, attempt) => attempt <= failures ? new Reply(status, $"failure {attempt}") : new Reply(200, "finally");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        arrived.Dispose();
    }
}

/// <summary>Standard Webhooks verification, from the spec: HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed by the base64 after whsec_.</summary>
public static class StandardWebhooks
{
    public static bool Verify(string secret, ReceivedWebhook request)
    {
        var key = Convert.FromBase64String(secret.Substring("whsec_".Length));
        var signedContent = Encoding.UTF8.GetBytes(request.Id + "." + request.Header("webhook-timestamp") + ".").Concat(request.Body).ToArray();
        using var hmac = new HMACSHA256(key);
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(hmac.ComputeHash(signedContent)));
        foreach (var candidate in request.Header("webhook-signature").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = candidate.Split(',', 2);
            if (parts.Length == 2 && parts[0] == "v1" && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[1]), expected))
                return true;
        }
        return false;
    }
}
