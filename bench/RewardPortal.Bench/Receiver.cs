using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RewardPortal.Bench;

/// <summary>A Kestrel receiver on 127.0.0.1: reads the body, answers 200, counts, and notes when each webhook-id arrived.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int count;
    private int awaited = -1;
    private TaskCompletionSource allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Receiver(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";
    public int Count => Volatile.Read(ref count);
    public ConcurrentDictionary<string, long> ArrivedAt { get; } = new();
    public bool RecordArrivals { get; set; }

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Bench" });
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = Stopwatch.GetTimestamp();
        var buffer = new byte[4096];
        while (await context.Request.Body.ReadAsync(buffer) > 0)
        {
        }
        if (RecordArrivals)
            ArrivedAt.TryAdd(context.Request.Headers["webhook-id"].ToString(), arrived);
        if (Interlocked.Increment(ref count) == Volatile.Read(ref awaited))
            allArrived.TrySetResult();
        context.Response.StatusCode = 200;
        await context.Response.WriteAsync("ok");
    }

    public void Reset() => ResetAwaiting(-1);

    /// <summary>Starts counting afresh; the task completes the moment the <paramref name="expected"/>th webhook has arrived.</summary>
    public Task ResetAwaiting(int expected)
    {
        allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref awaited, expected);
        Interlocked.Exchange(ref count, 0);
        ArrivedAt.Clear();
        return allArrived.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
