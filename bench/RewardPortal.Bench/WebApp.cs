using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace RewardPortal.Bench;

/// <summary>
/// RewardPortal.Web as operators run it (Production, its own process, server GC) on a SQLite file of the bench's,
/// serving on 127.0.0.1 only. The bench builds it beside itself (a project reference), in the same configuration.
/// </summary>
internal sealed partial class WebApp : IAsyncDisposable
{
    public const string ApiKey = "rpk_bench_owner_key_0123456789abcdefghij";
    public const string OwnerEmail = "owner@bench.local";
    public const string OwnerPassword = "Bench-Passw0rd!2026";

    private readonly Process process;
    private bool disposed;

    private WebApp(Process process, Uri address, string databaseFile) => (this.process, Address, DatabaseFile) = (process, address, databaseFile);

    public Uri Address { get; }
    public string DatabaseFile { get; }

    /// <summary>The CPU time the app's process has used so far (user and kernel, all threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public static async Task<WebApp> StartAsync(string directory, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RewardPortal.sln")))
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar))
                ?? throw new InvalidOperationException("RewardPortal.sln not found above the bench.");
        var output = Path.Combine(root, "RewardPortal.Web", "bin", configuration, "net10.0");
        var port = FreePort();
        var databaseFile = Path.Combine(directory, $"web-{Guid.NewGuid():N}.db");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(output, "RewardPortal.Web.dll")])
        {
            WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__RewardPortal"] = $"Data Source={databaseFile}",
            ["DataProtection__KeyFile"] = Path.Combine(directory, "master.key"),
            ["Bootstrap__OwnerEmail"] = OwnerEmail,
            ["Bootstrap__OwnerPassword"] = OwnerPassword,
            ["Bootstrap__ApiKey"] = ApiKey,
            ["Seed__Demo"] = "false",
            ["Email__PickupDirectory"] = Path.Combine(directory, "pickup"),
            ["Email__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Backup__Schedule"] = "",
            ["Api__RequestsPerMinute"] = "1000000",
            ["SignIn__AttemptsPerAddress"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings.Concat(extraSettings ?? new Dictionary<string, string>()))
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"  app: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new WebApp(process, new Uri($"http://127.0.0.1:{port}"), databaseFile);
        using var client = new HttpClient { BaseAddress = app.Address };
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"RewardPortal.Web stopped with exit code {process.ExitCode}: is it built ({output})?");
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
                throw new TimeoutException("RewardPortal.Web was not ready within 2 minutes.");
            try
            {
                if ((await client.GetAsync("/healthz/ready")).IsSuccessStatusCode)
                    return app;
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    /// <summary>A client signed in as the Owner through the sign-in form, as a browser would be.</summary>
    public async Task<HttpClient> SignedInClientAsync()
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Address };
        var form = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["email"] = OwnerEmail, ["password"] = OwnerPassword, ["returnUrl"] = "/admin",
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("login") == true)
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
            return;
        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
