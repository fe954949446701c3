using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RewardPortal.TestSupport;

/// <summary>
/// A real PostgreSQL server from Debian's packages (apt-get install postgresql) in a throw-away data folder on a free
/// 127.0.0.1 port, stopped and deleted on dispose. Tests share one without durability (fsync off, as nothing outlives
/// the run); the bench starts its own with PostgreSQL's default durability, as production runs it.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string InstallHint = "sudo apt-get install -y postgresql";

    private static readonly Lazy<PostgresServer?> SharedServer = new(() =>
    {
        var server = StartAsync(durable: false).GetAwaiter().GetResult();
        if (server is not null)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    });

    private const string Prefix = "rewardportal-pg-";
    private const string OwnerSuffix = ".owner";
    private readonly string bin;
    private readonly string dataDirectory;
    private readonly int port;

    private PostgresServer(string bin, string dataDirectory, int port) => (this.bin, this.dataDirectory, this.port) = (bin, dataDirectory, port);

    /// <summary>One server for a whole test run, started on first use and stopped when the run ends.</summary>
    public static PostgresServer Shared => SharedServer.Value ?? throw new InvalidOperationException($"PostgreSQL is not installed: {InstallHint}");

    /// <summary>Whether tests should run on PostgreSQL: when it is installed, and always in CI (where its absence is a failure).</summary>
    public static bool Wanted => BinDirectory is not null || Ci.IsOn;

    public static string? BinDirectory => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).Order().LastOrDefault()
        : null;

    /// <summary>The server's own database, for a caller that wants no database of its own.</summary>
    public string ConnectionString => ConnectionStringOf("postgres");

    /// <summary>Starts a server, or returns null when PostgreSQL is not installed.</summary>
    /// <param name="durable">false: no fsync, for tests; true: PostgreSQL's defaults, for measuring.</param>
    public static async Task<PostgresServer?> StartAsync(bool durable)
    {
        if (BinDirectory is not { } bin)
            return null;
        await StopLeftoversAsync(bin);
        var data = Path.Combine(Path.GetTempPath(), $"{Prefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        // Beside the data folder, which initdb wants empty: a later run stops this server if this process died.
        await File.WriteAllTextAsync(data + OwnerSuffix, Environment.ProcessId.ToString());
        if (AsPostgres)
            await RunAsync("chown", $"postgres {data}", asPostgres: false);
        var server = new PostgresServer(bin, data, FreePort());
        await server.PgAsync("initdb", $"-D {data} -A trust -U postgres{(durable ? "" : " --no-sync")}");
        var settings = $"-p {server.port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200{(durable ? "" : " -c fsync=off")}";
        await server.PgAsync("pg_ctl", $"-D {data} -w -t 60 -l {data}/server.log -o \"{settings}\" start");
        return server;
    }

    /// <summary>An empty database of its own on this server, for a test or scenario that must not see the others' rows.</summary>
    public string CreateDatabase()
    {
        var name = $"rp_{Guid.NewGuid():N}";
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return ConnectionStringOf(name);
    }

    private string ConnectionStringOf(string database) =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Timeout=30";

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PgAsync("pg_ctl", $"-D {dataDirectory} -m fast -w stop");
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
            File.Delete(dataDirectory + OwnerSuffix);
        }
        catch (IOException)
        {
        }
    }

    // PostgreSQL refuses to run as root; the Debian package's postgres user runs it.
    private static bool AsPostgres => Environment.UserName == "root";

    private Task PgAsync(string tool, string arguments) => RunAsync(Path.Combine(bin, tool), arguments, AsPostgres);

    /// <summary>
    /// A process can be ended before its exit handlers run, leaving its server behind: stop and delete the servers of
    /// earlier runs whose process is gone (a run still going keeps its own).
    /// </summary>
    private static async Task StopLeftoversAsync(string bin)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = directory + OwnerSuffix;
            if (File.Exists(owner) && int.TryParse(await File.ReadAllTextAsync(owner), out var pid) && IsRunning(pid))
                continue;
            if (File.Exists(Path.Combine(directory, "postmaster.pid")))
            {
                try { await RunAsync(Path.Combine(bin, "pg_ctl"), $"-D {directory} -m immediate -w stop", AsPostgres); }
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

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}") : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await output} {await error}");
    }
}
