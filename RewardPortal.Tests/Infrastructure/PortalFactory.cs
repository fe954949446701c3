using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Data;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The whole app on a temporary SQLite file, with a known Owner and API key.
/// Hangfire keeps its storage in a static, so hosts run one at a time: see <see cref="HostedAppCollection"/>.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string OwnerEmail = "owner@test.local";
    public const string OwnerPassword = "Owner-Passw0rd!";
    public const string OwnerApiKey = "rpk_test_owner_key_0123456789abcdef";

    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsDirectory;
    private bool useKestrel;

    public PortalFactory(Dictionary<string, string?>? settings = null, TempDirectory? directory = null)
    {
        ownsDirectory = directory is null;
        Directory = directory ?? new TempDirectory();
        this.settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:RewardPortal"] = $"Data Source={Directory.File("portal.db")}",
            ["Bootstrap:OwnerEmail"] = OwnerEmail,
            ["Bootstrap:OwnerPassword"] = OwnerPassword,
            ["Bootstrap:ApiKey"] = OwnerApiKey,
            ["Seed:Demo"] = "false",
            ["Email:PickupDirectory"] = Directory.File("pickup"),
            // Beside the database on SQLite by default; on PostgreSQL it would be under the web project's folder.
            ["DataProtection:KeyFile"] = Directory.File("master.key"),
            ["Backup:Directory"] = Directory.File("backups"),
            ["Email:Smtp:Host"] = "",
            ["Webhooks:AllowPrivateNetworks"] = "true",
            // Every test signs in from the same address; the sign-in limits have tests of their own.
            ["SignIn:AttemptsPerAddress"] = "100000",
            ["SignIn:AttemptsPerAccount"] = "100000",
        };
        foreach (var (key, value) in settings ?? [])
            this.settings[key] = value;
    }

    public TempDirectory Directory { get; }

    /// <summary>Everything the app logged, for tests that read what an operator would see.</summary>
    public LogCapture Logs { get; } = new();

    public string PickupDirectory => Directory.File("pickup");

    /// <summary>Serves on a real 127.0.0.1 port, for a browser or a real HTTP client.</summary>
    public Uri StartOnRealPort()
    {
        useKestrel = true;
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // As Development does for `dotnet run`: a singleton that takes a scoped service fails here, not on a newcomer's first run.
        builder.UseDefaultServiceProvider(o => o.ValidateScopes = o.ValidateOnBuild = true);
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (useKestrel)
            builder.UseUrls("http://127.0.0.1:0");
    }

    public async Task<RewardPortalDbContext> CreateDbContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync();

    /// <summary>
    /// A host that fails to stop (a hosted service used up the shutdown timeout, so the next one is cancelled) says
    /// what the app was doing: the failure is rare and otherwise leaves nothing to go on.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        var started = DateTime.UtcNow;
        try
        {
            await base.DisposeAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or AggregateException)
        {
            throw new InvalidOperationException(
                $"The app did not stop cleanly ({(DateTime.UtcNow - started).TotalSeconds:0.0} s after {started:HH:mm:ss.fff}). " +
                $"Its last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, Logs.Lines.TakeLast(40))}", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // Each PostgreSQL test has a database, and so a pool, of its own: close them rather than run out of server slots.
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (ownsDirectory)
                Directory.Dispose();
        }
    }
}
