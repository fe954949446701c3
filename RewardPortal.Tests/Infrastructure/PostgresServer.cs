using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server from Debian's packages, started for the test run on 127.0.0.1 in a throw-away data
/// folder, and stopped at the end. Each test asks for a database of its own.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<PostgresServer> SharedServer = new(() =>
    {
        var server = new PostgresServer();
        server.InitializeAsync().GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().GetAwaiter().GetResult();
        return server;
    });

    private const string Prefix = "rewardportal-pg-";
    private const string OwnerSuffix = ".owner";
    private string? dataDirectory;
    private int port;

    /// <summary>One server for the whole test run, started on first use and stopped when the run ends.</summary>
    public static PostgresServer Shared => SharedServer.Value;

    /// <summary>Whether tests should run on PostgreSQL: when it is installed, and always in CI (where its absence is a failure).</summary>
    public static bool Wanted => BinDirectory is not null || BrowserFactAttribute.IsCi;

    public static string? BinDirectory => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).Order().LastOrDefault()
        : null;

    public async Task InitializeAsync()
    {
        var bin = BinDirectory;
        if (bin is null)
            return; // PostgresFactAttribute skips (or, in CI, fails) every test that needs it.
        // PostgreSQL refuses to run as root; the Debian package's postgres user runs it.
        var asPostgres = Environment.UserName == "root";
        await StopLeftoversAsync(bin, asPostgres);
        port = FreePort();
        dataDirectory = Path.Combine(Path.GetTempPath(), $"{Prefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        // Beside the data folder, which initdb wants empty.
        await File.WriteAllTextAsync(dataDirectory + OwnerSuffix, Environment.ProcessId.ToString());
        if (asPostgres)
            await RunAsync("chown", $"postgres {dataDirectory}");
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {dataDirectory} -A trust -U postgres --no-sync", asPostgres);
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            $"-D {dataDirectory} -w -t 60 -l {dataDirectory}/server.log -o \"-p {port} -k {dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start", asPostgres);
    }

    public string CreateDatabase()
    {
        if (dataDirectory is null)
            throw new InvalidOperationException($"PostgreSQL is not installed: {PostgresFactAttribute.InstallHint}");
        var name = $"rp_{Guid.NewGuid():N}";
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=30";

    public async Task DisposeAsync()
    {
        if (dataDirectory is null || BinDirectory is not { } bin)
            return;
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {dataDirectory} -m immediate -w stop", Environment.UserName == "root");
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
            File.Delete(dataDirectory + OwnerSuffix);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A test host can be ended before its exit handlers run, leaving its server behind: stop and delete the servers of
    /// earlier runs whose test process is gone (a run still going keeps its own).
    /// </summary>
    private static async Task StopLeftoversAsync(string bin, bool asPostgres)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = directory + OwnerSuffix;
            if (File.Exists(owner) && int.TryParse(await File.ReadAllTextAsync(owner), out var pid) && IsRunning(pid))
                continue;
            if (File.Exists(Path.Combine(directory, "postmaster.pid")))
            {
                try { await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {directory} -m immediate -w stop", asPostgres); }
                catch (InvalidOperationException) { } // not running after all
            }
            try
            {
                Directory.Delete(directory, recursive: true);
                File.Delete(owner);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await output} {await error}");
    }
}

/// <summary>A test on a real PostgreSQL server: skipped locally without one (saying how to install it), failed in CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string InstallHint = "sudo apt-get install -y postgresql";

    public PostgresFactAttribute()
    {
        if (PostgresServer.BinDirectory is null && !BrowserFactAttribute.IsCi)
            Skip = $"PostgreSQL is not installed: {InstallHint}";
    }
}
