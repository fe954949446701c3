using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace RewardPortal.Bench;

/// <summary>
/// Where a redemption call's time goes, from the app's own metrics (<c>/metrics</c>): the API key check, the reads
/// before the write (and the wait for a turn to read), the wait for the writer, the redemption's statements, the
/// commit, and the rest of the call (the connection, routing, binding, serialisation, middleware) as what the client's
/// mean leaves over. Read as the difference of two scrapes around a measured run.
/// </summary>
internal static partial class ApiBreakdown
{
    private const string Steps = "rewardportal_redemption_step_duration_seconds";
    private const string KeyChecks = "rewardportal_api_key_check_duration_seconds";

    public static async Task RunAsync(WebApp app, BenchOptions options, int participants)
    {
        long next = 0;
        HttpRequestMessage Redeem(int caller, long sequence)
        {
            var participantId = Interlocked.Increment(ref next) % participants + 1;
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/redemptions") { Content = JsonContent.Create(new { participantId, rewardId = 1 }) };
            message.Headers.Authorization = new("Bearer", WebApp.ApiKey);
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            return message;
        }

        using var client = HttpLoad.Client(app.Address, 64);
        await HttpLoad.RunAsync(client, 64, TimeSpan.FromSeconds(options.Warmup), Redeem);
        var before = await ScrapeAsync(client);
        var run = await HttpLoad.RunAsync(client, 64, TimeSpan.FromSeconds(options.Seconds), Redeem);
        var after = await ScrapeAsync(client);

        double Mean(string metric, string labels) =>
            (Sum(after, metric, labels) - Sum(before, metric, labels)) / Math.Max(1, Count(after, metric, labels) - Count(before, metric, labels)) * 1000;
        var request = run.Latencies.Average();
        Console.WriteLine($"| POST /api/v1/redemptions, 64 connections, with the app's metrics on | {run.Figures} |");
        Console.WriteLine($"| a call as the client sees it (mean) | {request:0.00} ms | 100 % |");
        var accounted = 0.0;
        foreach (var (step, metric, labels) in new[]
                 {
                     ("API key check", KeyChecks, ""),
                     ("wait for a turn to read", Steps, "step=\"plan.wait\""),
                     ("reads before the write", Steps, "step=\"plan\""),
                     ("wait for the writer", Steps, "step=\"write.queue\""),
                     ("the redemption's statements", Steps, "step=\"write\""),
                     ("to the commit's end (later pieces of its batch, the fsync)", Steps, "step=\"commit\""),
                 })
        {
            var mean = Mean(metric, labels);
            accounted += mean;
            Console.WriteLine($"| {step} | {mean:0.00} ms | {mean / request:P0} |");
        }
        var rest = request - accounted;
        Console.WriteLine($"| the rest: the connection, routing, binding, serialisation, middleware | {rest:0.00} ms | {rest / request:P0} |");
    }

    private static async Task<string[]> ScrapeAsync(HttpClient client) =>
        (await client.GetStringAsync("/metrics")).Split('\n');

    private static double Sum(string[] scrape, string metric, string labels) => Total(scrape, metric + "_sum", labels);

    private static double Count(string[] scrape, string metric, string labels) => Total(scrape, metric + "_count", labels);

    /// <summary>The series of <paramref name="name"/> whose labels contain <paramref name="labels"/>, added up.</summary>
    private static double Total(string[] scrape, string name, string labels) => scrape
        .Select(line => Series().Match(line))
        .Where(m => m.Success && m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal))
        .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)")]
    private static partial Regex Series();
}
