using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// A real SMTP server: aiosmtpd (Debian's python3-aiosmtpd) on a free 127.0.0.1 port, writing each message to a Maildir
/// that the tests read back with MimeKit. Killed on dispose.
/// </summary>
public sealed class SmtpServerFixture(bool acceptsLoginWithoutTls = false) : IAsyncLifetime
{
    public const string Python = "/usr/bin/python3";

    // aiosmtpd's command line cannot turn on AUTH without TLS, so this server is started from a script: it offers AUTH
    // (and no STARTTLS) on a plain connection, accepts any credentials and writes each login to a file.
    private const string LoginWithoutTlsServer = """
        import asyncio, sys
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import SMTP, AuthResult
        host, port, maildir, logins = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        def authenticate(server, session, envelope, mechanism, auth_data):
            with open(logins, "a") as f:
                f.write(f"{mechanism} {auth_data.login.decode()} {auth_data.password.decode()}\n")
            return AuthResult(success=True)
        loop = asyncio.new_event_loop()
        loop.run_until_complete(loop.create_server(
            lambda: SMTP(Mailbox(maildir), authenticator=authenticate, auth_require_tls=False), host, port))
        loop.run_forever()
        """;

    private static readonly Lazy<string?> Missing = new(FindMissing);
    private readonly TempDirectory directory = new();
    private Process? process;

    /// <summary>Why the server cannot run here, or null when it can.</summary>
    public static string? MissingReason => Missing.Value;

    public int Port { get; private set; }

    public string Maildir => directory.File("maildir");

    private string LoginsFile => directory.File("logins.txt");

    /// <summary>Each AUTH the server received, as "MECHANISM login password" (only with acceptsLoginWithoutTls).</summary>
    public IReadOnlyList<string> Logins() => File.Exists(LoginsFile) ? File.ReadAllLines(LoginsFile) : [];

    public async Task InitializeAsync()
    {
        if (MissingReason is { } reason)
            throw new InvalidOperationException(reason);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server (again) on its port, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        string[] arguments = acceptsLoginWithoutTls
            ? ["-c", LoginWithoutTlsServer, "127.0.0.1", Port.ToString(), Maildir, LoginsFile]
            : ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir];
        process = Process.Start(new ProcessStartInfo(Python, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"aiosmtpd exited at start: {await process.StandardError.ReadToEndAsync()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server, as an outage would.</summary>
    public async Task StopAsync()
    {
        if (process is null)
            return;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        process = null;
    }

    /// <summary>The app settings that point the portal's mail at this server, which offers no TLS: so Security is None.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = Port.ToString(),
        ["Email:Smtp:Security"] = "None",
    };

    public List<MimeMessage> Messages()
    {
        var inbox = Path.Combine(Maildir, "new");
        if (!Directory.Exists(inbox))
            return [];
        return Directory.GetFiles(inbox).Order().Select(f => MimeMessage.Load(f)).ToList();
    }

    public async Task<List<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null, Func<MimeMessage, bool>? where = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var messages = Messages().Where(where ?? (_ => true)).ToList();
            if (messages.Count >= count)
                return messages;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The SMTP server got {messages.Count} of {count} messages in time.");
            await Task.Delay(50);
        }
    }

    public void Clear()
    {
        var inbox = Path.Combine(Maildir, "new");
        if (Directory.Exists(inbox))
            foreach (var file in Directory.GetFiles(inbox))
                File.Delete(file);
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        directory.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindMissing()
    {
        const string install = "install it with: sudo apt-get install -y python3-aiosmtpd";
        if (!File.Exists(Python))
            return $"{Python} is missing, so the SMTP tests cannot run aiosmtpd; {install}";
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false })!;
        check.WaitForExit(30_000);
        return check.ExitCode == 0 ? null : $"{Python} has no aiosmtpd module; {install}";
    }
}

/// <summary>
/// A fact that needs aiosmtpd. Without it the test is skipped locally, with the reason; with CI=true it runs and fails
/// with that reason, so a CI machine missing the package never passes silently.
/// </summary>
public sealed class SmtpFactAttribute : FactAttribute
{
    public SmtpFactAttribute()
    {
        if (SmtpServerFixture.MissingReason is { } reason && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = reason;
    }
}
