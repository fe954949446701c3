using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RewardPortal.Bench;

/// <summary>
/// A PostgreSQL server from Debian's packages (apt-get install postgresql) in a throw-away data folder on a free
/// 127.0.0.1 port, with its default durability settings; stopped and deleted on dispose.
/// </summary>
internal sealed class Postgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string data;

    private Postgres(string bin, string data, int port) => (this.bin, this.data, Port) = (bin, data, port);

    public int Port { get; }
    public string ConnectionString => ConnectionStringOf("rewardportal");

    private string ConnectionStringOf(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=100";

    /// <summary>Another empty database on the same server, for a scenario that must not see the others' rows.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"rewardportal_{Guid.NewGuid():N}";
        await PgAsync("createdb", $"-h 127.0.0.1 -p {Port} -U postgres {name}");
        return ConnectionStringOf(name);
    }

    public static async Task<Postgres?> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).Order().LastOrDefault()
            : null;
        if (bin is null)
            return null;
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var data = Path.Combine(Path.GetTempPath(), $"rewardportal-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var server = new Postgres(bin, data, port);
        if (Environment.UserName == "root")
            await RunAsync("chown", $"postgres {data}", asPostgres: false);
        await server.PgAsync("initdb", $"-D {data} -A trust -U postgres");
        await server.PgAsync("pg_ctl", $"-D {data} -w -t 60 -l {data}/server.log -o \"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200\" start");
        await server.PgAsync("createdb", $"-h 127.0.0.1 -p {port} -U postgres rewardportal");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await PgAsync("pg_ctl", $"-D {data} -m fast -w stop");
        Directory.Delete(data, recursive: true);
    }

    private Task PgAsync(string tool, string arguments) => RunAsync(Path.Combine(bin, tool), arguments, asPostgres: Environment.UserName == "root");

    private static async Task RunAsync(string file, string arguments, bool asPostgres)
    {
        // PostgreSQL refuses to run as root; the Debian package's postgres user runs it.
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
