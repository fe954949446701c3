using System.Diagnostics;
using System.Globalization;
using RewardPortal.Bench;
using RewardPortal.Core.Notifications;

// dotnet run -c Release --project bench/RewardPortal.Bench -- [all|webhooks|postgres|postgres-latency|retries|latency|redeem|email|drain|api|admin-scale]
//     [--participants N] [--count N] [--concurrency N] [--rate N] [--seconds N] [--warmup N] [--emails N] [--rounds N] [--retries N] [--windows]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
int Option(string name, int fallback) =>
    Array.IndexOf(args, $"--{name}") is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var options = new BenchOptions(Option("count", 20_000), Option("concurrency", 32), Option("rate", 200), Option("seconds", 15), Option("emails", 2_000),
    Option("warmup", 15), args.Contains("--windows"), Option("rounds", 5));

var retries = Option("retries", 500);

var directory = Directory.CreateTempSubdirectory("rewardportal-bench-").FullName;
Console.WriteLine($"RewardPortal benchmark: {scenario}; {Environment.ProcessorCount} cores, .NET {Environment.Version}, {options}");
try
{
    await using var receiver = await WebhookReceiver.StartAsync();
    receiver.KeepRequests = false;
    if (scenario is "all" or "webhooks")
    {
        // Rounds of raw then engine, side by side: .NET recompiles hot code, optimised, only after a while, so the first
        // round flatters whichever side warms up faster, and a shared machine makes any one round drift. Quote the median.
        var ratios = new List<double>();
        for (var round = 1; round <= Math.Max(2, options.Rounds); round++)
        {
            var raw = await RawAsync();
            var (fresh, warm) = await DrainAsync(postgres: null, nodes: 1);
            Console.WriteLine(
                $"| round {round}: a freshly started engine drains {options.Count:N0} pending deliveries on SQLite ({DrainFigures(fresh)}) | "
                    + $"{fresh.Rate:N0}/s, {fresh.Rate / raw:P0} of raw |");
            Console.WriteLine($"| round {round}: the same engine drains {options.Count:N0} more ({DrainFigures(warm)}) | {warm.Rate:N0}/s |");
            Console.WriteLine($"| round {round}: engine / raw | {warm.Rate / raw:P0} |");
            if (round > 1)
                ratios.Add(warm.Rate / raw);
        }
        ratios.Sort();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2;
        Console.WriteLine($"| engine / raw, median of rounds 2-{ratios.Count + 1} | {median:P0} (range {ratios[0]:P0} to {ratios[^1]:P0}) |");
    }
    if (scenario == "drain")
    {
        // The engine alone, round after round: for a profiler to attach to.
        for (var round = 1; round <= 6; round++)
        {
            var (_, warm) = await DrainAsync(postgres: null, nodes: 1);
            Console.WriteLine($"| round {round}: engine drain on SQLite ({DrainFigures(warm)}) | {warm.Rate:N0}/s |");
        }
    }
    if (scenario is "all" or "postgres")
    {
        await using var server = await PostgresServer.StartAsync(durable: true)
            ?? throw new InvalidOperationException($"PostgreSQL is not installed: {PostgresServer.InstallHint}");
        var raw = await RawAsync();
        foreach (var nodes in new[] { 1, 2 })
        {
            var (_, warm) = await DrainAsync(server.ConnectionString, nodes);
            Console.WriteLine(
                $"| engine drains {options.Count:N0} pending deliveries on PostgreSQL, {nodes} node(s) ({DrainFigures(warm)}) | {warm.Rate:N0}/s, "
                    + $"{warm.Rate / raw:P0} of raw |");
        }
        await PostgresLatencyAsync(server);
        await RetriesAsync(server);
    }
    if (scenario == "postgres-latency")
    {
        await using var server = await PostgresServer.StartAsync(durable: true)
            ?? throw new InvalidOperationException($"PostgreSQL is not installed: {PostgresServer.InstallHint}");
        await PostgresLatencyAsync(server);
    }
    if (scenario == "retries")
    {
        await using var server = await PostgresServer.StartAsync(durable: true)
            ?? throw new InvalidOperationException($"PostgreSQL is not installed: {PostgresServer.InstallHint}");
        await RetriesAsync(server);
    }
    if (scenario is "all" or "latency")
    {
        await using var engine = await Engine.StartAsync(directory, options);
        var run = await Scenarios.LatencyAsync(engine, receiver, options);
        Console.WriteLine(
            $"| commit -> arrival at {run.AchievedRate:N0} redemptions/s over {options.Seconds} s ({run.FromCommit.Length:N0} webhooks) | "
                + $"{LatencyFigures(run.FromCommit)} |");
        Console.WriteLine($"| request -> arrival (the redemption's own transaction included) | {LatencyFigures(run.FromRequest)} |");
        Console.WriteLine($"| average RedeemAsync call | {run.AverageRedeemCall.TotalMilliseconds:0.0} ms |");
    }
    if (scenario == "redeem")
    {
        // Closed loops: how fast redemptions go one at a time, and with many callers at once (group commit).
        await using var engine = await Engine.StartAsync(directory, options);
        await Scenarios.RedeemThroughputAsync(engine, receiver, 16, options.Warmup, webhook: false);
        foreach (var webhook in new[] { false, true })
            foreach (var callers in new[] { 1, 16, 64 })
            {
                var rate = await Scenarios.RedeemThroughputAsync(engine, receiver, callers, options.Seconds, webhook);
                Console.WriteLine($"| redemptions {(webhook ? "with" : "without")} a webhook, {callers} caller(s) in a closed loop | {rate:N0}/s |");
            }
    }
    if (scenario == "api")
    {
        await using var app = await WebApp.StartAsync(directory);
        var participants = Option("participants", 100_000);
        await ScaleData.SeedParticipantsAndRewardAsync(app.DatabaseFile, participants);
        await WebScenarios.ApiAsync(app, options, participants);
        await app.DisposeAsync();
        // Where a call's time goes, read from the app's own metrics: a second app, as turning them on costs a little.
        await using var measured = await WebApp.StartAsync(directory, new Dictionary<string, string> { ["Metrics__Prometheus"] = "true" });
        await ScaleData.SeedParticipantsAndRewardAsync(measured.DatabaseFile, participants);
        await ApiBreakdown.RunAsync(measured, options, participants);
    }
    if (scenario == "admin-scale")
    {
        await using var app = await WebApp.StartAsync(directory);
        var participants = Option("participants", 100_000);
        var seeded = await ScaleData.SeedAsync(app.DatabaseFile, participants, participants * 2, deliveriesPerRedemption: 5, days: 365);
        Console.WriteLine(
            $"| seeded {participants:N0} participants, {participants * 2:N0} redemptions over 365 days, {participants * 10:N0} deliveries and attempts, "
                + $"through SQL | {seeded.TotalSeconds:0.0} s |");
        await WebScenarios.AdminScaleAsync(app, Math.Max(3, options.Rounds));
    }
    if (scenario is "all" or "email")
    {
        await using var smtp = await Smtp.StartAsync(directory);
        if (smtp is null)
        {
            Console.WriteLine("| emails | skipped: /usr/bin/python3 -m aiosmtpd is not available (apt-get install python3-aiosmtpd) |");
        }
        else
        {
            var settings = new Dictionary<string,
            string?> { ["Email:Smtp:Host"] = "127.0.0.1", ["Email:Smtp:Port"] = smtp.Port.ToString(), ["Email:Smtp:Security"] = "None" };
            await using var engine = await Engine.StartAsync(directory, options, settings);
            await Scenarios.RawEmailsAsync(engine, smtp, 200);
            var raw = await Scenarios.RawEmailsAsync(engine, smtp, options.Emails);
            var rate = await Scenarios.EmailDrainAsync(engine, smtp, options.Emails);
            Console.WriteLine($"| raw MailKit bursts of 100 on one connection -> aiosmtpd | {raw:N0}/s |");
            Console.WriteLine($"| engine drains {options.Emails:N0} pending email deliveries -> aiosmtpd | {rate:N0}/s |");
        }
    }

    // Commit to arrival: redemptions and sends on one node; redemptions on a Web node and sends on a Worker, which hears
    // of each commit only through the database (LISTEN/NOTIFY), both in the bench's process; and the Worker as operators
    // run it, RewardPortal.Web with Node:Role=Worker in a process of its own, so that its engine does not wait in the
    // bench's thread pool behind the Web node's redemptions.
    async Task PostgresLatencyAsync(PostgresServer server)
    {
        string[] layouts = ["one node", "committed on a Web node, sent by a Worker, one process", "committed on a Web node, sent by a Worker process"];
        foreach (var nodes in layouts)
        {
            var database = server.CreateDatabase();
            var keyFile = new Dictionary<string, string?> { ["DataProtection:KeyFile"] = Path.Combine(directory, "master.key") };
            var oneNode = nodes == "one node";
            var workerProcess = nodes.EndsWith("process");
            await using var engine = await Engine.StartAsync(directory, options, keyFile, database, sends: oneNode);
            await using var worker = oneNode ? null : workerProcess
                ? await WebApp.StartAsync(directory, new Dictionary<string, string>
                {
                    ["Database__Provider"] = "Postgres", ["ConnectionStrings__RewardPortal"] = database, ["Node__Role"] = "Worker",
                    ["Webhooks__AllowPrivateNetworks"] = "true", ["Webhooks__MaxConcurrency"] = options.Concurrency.ToString(),
                    ["Webhooks__MaxConcurrencyPerEndpoint"] = options.Concurrency.ToString(),
                })
                : (IAsyncDisposable)await Engine.StartAsync(directory, options, keyFile, database);
            var run = await Scenarios.LatencyAsync(engine, receiver, options);
            Console.WriteLine($"| PostgreSQL, {nodes}: commit -> arrival at {run.AchievedRate:N0} redemptions/s "
                + $"over {options.Seconds} s ({run.FromCommit.Length:N0} webhooks) | {LatencyFigures(run.FromCommit)} |");
            Console.WriteLine($"| the same: request -> arrival | {LatencyFigures(run.FromRequest)}; average RedeemAsync call "
                + $"{run.AverageRedeemCall.TotalMilliseconds:0.0} ms |");
        }
    }

    // Retries written back by one node fall due with no commit to announce them: each Worker must see the time come.
    async Task RetriesAsync(PostgresServer server)
    {
        foreach (var nodes in new[] { 1, 2 })
        {
            var database = server.CreateDatabase();
            var engines = new List<Engine>();
            for (var i = 0; i < nodes; i++)
                engines.Add(await Engine.StartAsync(directory, options, Retries.Settings, postgres: database));
            var lateness = await Retries.OnTimeAsync(engines, receiver, retries);
            foreach (var engine in engines)
                await engine.DisposeAsync();
            Console.WriteLine($"| PostgreSQL, {nodes} Worker node(s): {retries:N0} retries, each due {Retries.Delay.TotalSeconds:0} s (±20 %) "
                + $"after its failed first attempt, sent behind their due time by | {LatencyFigures(lateness)} |");
        }
    }

    // The baseline, warmed up on a run of the same size first (JIT tiers, connections).
    async Task<double> RawAsync()
    {
        var secret = WebhookSecret.New();
        await Scenarios.RawWebhooksAsync(receiver, options, secret);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var raw = await Scenarios.RawWebhooksAsync(receiver, options, secret);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"| raw signed POSTs, HttpClient -> Kestrel, concurrency {options.Concurrency} ({cpu.TotalMicroseconds / options.Count:0} us CPU, " +
            $"{allocated / 1024.0 / options.Count:0.0} KB allocated each) | {raw:N0}/s |");
        return raw;
    }

    // Engines as a node runs them: started once, then a first backlog (new host: its DI resolvers, EF model and lease
    // state are built on the way) and a second one on the same host, the figure to quote for a node that has been up a while.
    async Task<(DrainRun Fresh, DrainRun Warm)> DrainAsync(string? postgres, int nodes)
    {
        var engines = new List<Engine>();
        try
        {
            for (var i = 0; i < nodes; i++)
                engines.Add(await Engine.StartAsync(directory, options, postgres: postgres));
            var fresh = await Scenarios.DrainAsync(engines, receiver, options);
            return (fresh, await Scenarios.DrainAsync(engines, receiver, options));
        }
        finally
        {
            foreach (var engine in engines)
                await engine.DisposeAsync();
        }
    }

    static string LatencyFigures(double[] sorted) =>
        $"p50 {LatencyRun.Percentile(sorted, 0.50):0.0} ms, p90 {LatencyRun.Percentile(sorted, 0.90):0.0} ms, "
            + $"p99 {LatencyRun.Percentile(sorted, 0.99):0.0} ms, max {sorted[^1]:0.0} ms";

    string DrainFigures(DrainRun run) =>
        $"all arrived {run.Arrived.TotalSeconds:0.00} s, all recorded {run.Recorded.TotalSeconds:0.00} s, "
            + $"{run.Cpu.TotalMicroseconds / options.Count:0} us CPU, {run.Allocated / 1024.0 / options.Count:0.0} KB allocated each";
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}
