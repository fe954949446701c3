using System.Diagnostics;

namespace RewardPortal.Bench;

/// <summary>What a closed-loop HTTP run measured: requests per second and each request's latency (sorted, ms).</summary>
internal sealed record HttpRun(double Rate, double[] Latencies, int Failures)
{
    /// <summary>Runs taken as one: their calls together over their time together.</summary>
    public static HttpRun Combine(IReadOnlyCollection<HttpRun> runs) => new(
        runs.Sum(r => r.Latencies.Length) / runs.Sum(r => r.Latencies.Length / r.Rate),
        runs.SelectMany(r => r.Latencies).Order().ToArray(), runs.Sum(r => r.Failures));

    public string Figures => $"{Rate:N0}/s, mean {Latencies.Average():0.0} ms, p50 {LatencyRun.Percentile(Latencies, 0.5):0.0} ms, " +
        $"p99 {LatencyRun.Percentile(Latencies, 0.99):0.0} ms{(Failures > 0 ? $", {Failures} failed" : "")}";
}

/// <summary>
/// An in-process load generator: <c>connections</c> callers, each sending its next request as soon as the last one is
/// answered, for a fixed time. Each request is built by <c>request(caller, sequence)</c>, so bodies and headers can differ.
/// </summary>
internal static class HttpLoad
{
    public static HttpClient Client(Uri address, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AllowAutoRedirect = false,
    }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<HttpRun> RunAsync(HttpClient client, int connections, TimeSpan duration, Func<int, long, HttpRequestMessage> request)
    {
        long sequence = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, connections).Select(async caller =>
        {
            var latencies = new List<double>();
            while (clock.Elapsed < duration)
            {
                using var message = request(caller, Interlocked.Increment(ref sequence));
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(message);
                await response.Content.LoadIntoBufferAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref failures);
            }
            return latencies;
        }).ToList();
        var all = (await Task.WhenAll(callers)).SelectMany(l => l).Order().ToArray();
        return new HttpRun(all.Length / clock.Elapsed.TotalSeconds, all, failures);
    }
}
