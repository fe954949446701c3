using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;

namespace RewardPortal.Bench;

/// <summary>What people wait on: the REST API under load and the admin pages over a year of history, against the real app.</summary>
internal static class WebScenarios
{
    /// <summary>
    /// Closed-loop HTTP load against a running app, each endpoint beside <c>/healthz</c> (the server's floor: routing and
    /// Kestrel, no authentication, no database) at the same concurrency in the same run, so the ratio survives a busy machine.
    /// </summary>
    public static async Task ApiAsync(WebApp app, BenchOptions options, int participants)
    {
        var duration = TimeSpan.FromSeconds(options.Seconds);
        long nextParticipant = 0;
        HttpRequestMessage Healthz(int caller, long sequence) => new(HttpMethod.Get, "/healthz");
        HttpRequestMessage ReadParticipant(int caller, long sequence) => Authorized(new(HttpMethod.Get, $"/api/v1/participants/{sequence % participants + 1}"));
        HttpRequestMessage Redeem(int caller, long sequence)
        {
            // Each redemption for another participant, with its own Idempotency-Key: no two calls contend for one balance.
            var participantId = Interlocked.Increment(ref nextParticipant) % participants + 1;
            var message = Authorized(new(HttpMethod.Post, "/api/v1/redemptions") { Content = JsonContent.Create(new { participantId, rewardId = 1 }) });
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            return message;
        }

        var warmup = TimeSpan.FromSeconds(options.Warmup);
        foreach (var (connections, request) in new (int, Func<int, long, HttpRequestMessage>)[] { (32, Healthz), (32, ReadParticipant), (64, Redeem) })
        {
            using var client = HttpLoad.Client(app.Address, connections);
            await HttpLoad.RunAsync(client, connections, warmup, request);
        }
        foreach (var (name, connections, request) in new (string, int, Func<int, long, HttpRequestMessage>)[]
            { ("GET /api/v1/participants/{id}", 32, ReadParticipant), ("POST /api/v1/redemptions", 64, Redeem) })
        {
            using var client = HttpLoad.Client(app.Address, connections);
            // In alternating slices of about two seconds, so that both sides see the machine's load as it moves.
            var slices = Math.Max(1, options.Seconds / 2);
            var slice = duration / slices;
            var (floor, run) = (new Measured(), new Measured());
            for (var i = 0; i < slices; i++)
            {
                await floor.AddAsync(app, () => HttpLoad.RunAsync(client, connections, slice, Healthz));
                await run.AddAsync(app, () => HttpLoad.RunAsync(client, connections, slice, request));
            }
            Console.WriteLine($"| GET /healthz, {connections} connections | {floor.Figures} |");
            Console.WriteLine($"| {name}, {connections} connections | {run.Figures} |");
            Console.WriteLine($"| {name} / healthz, {slices} alternating slices of each | {run.Run.Rate / floor.Run.Rate:0.000}x |");
        }
    }

    /// <summary>
    /// Runs' figures added up, with the CPU their calls took: steadier than the rate on a shared machine, and it shows
    /// whether a run was short of CPU or waiting on something else.
    /// </summary>
    private sealed class Measured
    {
        private readonly List<HttpRun> runs = [];
        private double appMs, benchMs, restMs;

        public HttpRun Run => HttpRun.Combine(runs);

        public string Figures
        {
            get
            {
                var run = Run;
                var calls = run.Latencies.Length;
                return $"{run.Figures}; CPU a call: app {appMs / calls:0.000} ms, bench {benchMs / calls:0.000} ms, "
                    + $"rest of the machine {restMs / calls:0.000} ms";
            }
        }

        public async Task AddAsync(WebApp app, Func<Task<HttpRun>> run)
        {
            var (app0, bench0, machine0) = (app.ProcessorTime, Process.GetCurrentProcess().TotalProcessorTime, MachineBusyMs());
            runs.Add(await run());
            var appSpent = (app.ProcessorTime - app0).TotalMilliseconds;
            var benchSpent = (Process.GetCurrentProcess().TotalProcessorTime - bench0).TotalMilliseconds;
            (appMs, benchMs, restMs) = (appMs + appSpent, benchMs + benchSpent, restMs + MachineBusyMs() - machine0 - appSpent - benchSpent);
        }
    }

    // The whole machine's busy CPU time (ms) from /proc/stat: user, nice, system, irq and softirq, in 10 ms ticks.
    private static double MachineBusyMs()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) * 10.0;
    }

    /// <summary>Each admin page's first document (prerendering included, signed in as the Owner), and the dashboard's and search's reads.</summary>
    public static async Task AdminScaleAsync(WebApp app, int runs)
    {
        using var client = await app.SignedInClientAsync();
        foreach (var page in new[] { "/admin", "/admin/participants", "/admin/redemptions", "/admin/redemptions?status=Requested", "/admin/deliveries",
                     "/admin/deliveries?status=Failed", "/admin/audit", "/admin/alerts", "/settings/notifications", "/admin/participants/4242",
                     "/admin/redemptions/4242" })
        {
            var times = await TimeAsync(runs, async () =>
            {
                using var response = await client.GetAsync(page);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"{page} answered {(int)response.StatusCode}.");
                await response.Content.ReadAsByteArrayAsync();
            });
            Console.WriteLine($"| first document of {page} | {Figures(times)} |");
        }

        var factory = new Factory(new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={app.DatabaseFile}").Options);
        var dashboard = new DashboardQueries(factory, TimeProvider.System);
        foreach (var days in new[] { 30, 90, 365 })
            Console.WriteLine($"| dashboard's read at {days} days | {Figures(await TimeAsync(runs, () => dashboard.LoadAsync(days)))} |");
        var participants = new ParticipantQueries(factory);
        Console.WriteLine($"| participant search (\"participant4242\", the page's read) | " +
            $"{Figures(await TimeAsync(runs, () => participants.PageAsync(new ParticipantListQuery("participant4242"))))} |");
    }

    private static HttpRequestMessage Authorized(HttpRequestMessage message)
    {
        message.Headers.Authorization = new("Bearer", WebApp.ApiKey);
        return message;
    }

    /// <summary>One warm-up call, then <paramref name="runs"/> timed ones (ms, sorted).</summary>
    private static async Task<double[]> TimeAsync(int runs, Func<Task> call)
    {
        await call();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return times.Order().ToArray();
    }

    private static string Figures(double[] sorted) => $"median {sorted[sorted.Length / 2]:0} ms (min {sorted[0]:0}, max {sorted[^1]:0})";

    private sealed class Factory(DbContextOptions<SqliteRewardPortalDbContext> options) : IDbContextFactory<RewardPortalDbContext>
    {
        public RewardPortalDbContext CreateDbContext() => new SqliteRewardPortalDbContext(options);
    }
}
