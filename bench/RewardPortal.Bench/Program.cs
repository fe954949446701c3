using System.Diagnostics;
using System.Globalization;
using RewardPortal.Bench;
using RewardPortal.Core.Notifications;

// dotnet run -c Release --project bench/RewardPortal.Bench -- [all|webhooks|latency|email] [--count N] [--concurrency N] [--rate N] [--seconds N] [--emails N]
var scenario = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
int Option(string name, int fallback) =>
    Array.IndexOf(args, $"--{name}") is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
var options = new BenchOptions(Option("count", 20_000), Option("concurrency", 32), Option("rate", 200), Option("seconds", 15), Option("emails", 2_000));

var directory = Directory.CreateTempSubdirectory("rewardportal-bench-").FullName;
Console.WriteLine($"RewardPortal benchmark: {scenario}; {Environment.ProcessorCount} cores, .NET {Environment.Version}, {options}");
try
{
    await using var receiver = await Receiver.StartAsync();
    if (scenario is "all" or "webhooks")
    {
        // Warm both paths up (JIT, connections) on a small run first; only the second run counts.
        var secret = WebhookSecret.New();
        await Scenarios.RawWebhooksAsync(receiver, options with { Count = 2_000 }, secret);
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var raw = await Scenarios.RawWebhooksAsync(receiver, options, secret);
        var rawCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        await using (var warm = await Engine.StartAsync(directory, options))
            await Scenarios.DrainAsync(warm, receiver, options with { Count = 2_000 });
        await using var engine = await Engine.StartAsync(directory, options);
        var (rate, arrived, recorded, engineCpu) = await Scenarios.DrainAsync(engine, receiver, options);
        Console.WriteLine($"cpu per delivery: raw {rawCpu.TotalMicroseconds / options.Count:0} us, engine {engineCpu.TotalMicroseconds / options.Count:0} us");
        Console.WriteLine($"| raw signed POSTs, HttpClient -> Kestrel, concurrency {options.Concurrency} | {raw:N0}/s |");
        Console.WriteLine($"| engine drains {options.Count:N0} pending deliveries (all arrived {arrived.TotalSeconds:0.00} s, all recorded {recorded.TotalSeconds:0.00} s) | {rate:N0}/s |");
        Console.WriteLine($"| engine / raw | {rate / raw:P0} |");
    }
    if (scenario == "sqlite")
    {
        await using var engine = await Engine.StartAsync(directory, options);
        var n = await Seed.WebhookAsync(engine, receiver.Url);
        Seed.PendingDeliveries(engine, n.Id, options.Count);
        using var c = engine.OpenConnection();
        using (var p = c.CreateCommand()) { p.CommandText = "PRAGMA synchronous=NORMAL"; p.ExecuteNonQuery(); }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        for (var start = 1; start <= options.Count; start += 50)
        {
            using var tx = c.BeginTransaction();
            using var u = c.CreateCommand();
            u.Transaction = tx;
            u.CommandText = """UPDATE "Deliveries" SET "Status" = @status, "AttemptCount" = "AttemptCount" + 1, "LastAttemptAt" = @at, "LastStatusCode" = @code, "LastError" = @error, "NextAttemptAt" = @next, "CompletedAt" = @completed, "LeasedUntil" = NULL, "LeasedBy" = NULL WHERE "Id" = @id AND ("LeasedBy" = @lease OR "LeasedBy" IS NULL)""";
            var ps = new[] { "@status", "@at", "@code", "@error", "@next", "@completed", "@id", "@lease" }.Select(x => { var q = u.CreateParameter(); q.ParameterName = x; u.Parameters.Add(q); return q; }).ToArray();
            for (var id = start; id < start + 50; id++)
            {
                ps[0].Value = 1; ps[1].Value = DateTime.UtcNow; ps[2].Value = 200; ps[3].Value = DBNull.Value; ps[4].Value = DateTime.UtcNow; ps[5].Value = DateTime.UtcNow; ps[6].Value = (long)id; ps[7].Value = "x";
                u.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine($"sqlite updates: {sw.Elapsed.TotalMicroseconds / options.Count:0.0} us wall, {cpu.TotalMicroseconds / options.Count:0.0} us cpu per row");
    }
    if (scenario == "raw")
    {
        var raw = await Scenarios.RawWebhooksAsync(receiver, options, WebhookSecret.New());
        Console.WriteLine($"| raw signed POSTs, HttpClient -> Kestrel, concurrency {options.Concurrency} | {raw:N0}/s |");
    }
    if (scenario == "drain")
    {
        await using var engine = await Engine.StartAsync(directory, options);
        var (rate, _, recorded, cpu) = await Scenarios.DrainAsync(engine, receiver, options);
        Console.WriteLine($"| engine drains {options.Count:N0} pending deliveries in {recorded.TotalSeconds:0.00} s, {cpu.TotalMicroseconds / options.Count:0} us CPU each | {rate:N0}/s |");
    }
    if (scenario is "all" or "latency")
    {
        await using var engine = await Engine.StartAsync(directory, options);
        var (latencies, achieved) = await Scenarios.LatencyAsync(engine, receiver, options);
        Console.WriteLine($"avg redemption transaction {Stopwatch.GetElapsedTime(0, Scenarios.CommitTicks).TotalMilliseconds / Scenarios.Commits:0.0} ms");
        double P(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        Console.WriteLine($"| commit -> arrival at {achieved:N0} redemptions/s over {options.Seconds} s ({latencies.Length:N0} webhooks) | p50 {P(0.50):0.0} ms, p90 {P(0.90):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms |");
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
            var settings = new Dictionary<string, string?> { ["Email:Smtp:Host"] = "127.0.0.1", ["Email:Smtp:Port"] = smtp.Port.ToString(), ["Email:Smtp:Security"] = "None" };
            await using var engine = await Engine.StartAsync(directory, options, settings);
            await Scenarios.RawEmailsAsync(engine, smtp, 200);
            var raw = await Scenarios.RawEmailsAsync(engine, smtp, options.Emails);
            var rate = await Scenarios.EmailDrainAsync(engine, smtp, options.Emails);
            Console.WriteLine($"| raw MailKit bursts of 100 on one connection -> aiosmtpd | {raw:N0}/s |");
            Console.WriteLine($"| engine drains {options.Emails:N0} pending email deliveries -> aiosmtpd | {rate:N0}/s |");
        }
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}
