using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RewardPortal.Bench;

/// <summary>aiosmtpd (python3-aiosmtpd) on a free 127.0.0.1 port, writing to a Maildir; killed on dispose.</summary>
internal sealed class Smtp : IAsyncDisposable
{
    private readonly Process process;

    private Smtp(Process process, int port, string maildir) => (this.process, Port, Maildir) = (process, port, maildir);

    public int Port { get; }
    public string Maildir { get; }
    public int Count => Directory.Exists(Path.Combine(Maildir, "new")) ? Directory.GetFiles(Path.Combine(Maildir, "new")).Length : 0;

    public static async Task<Smtp?> StartAsync(string directory)
    {
        if (!File.Exists("/usr/bin/python3"))
            return null;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var maildir = Path.Combine(directory, "maildir");
            var process = Process.Start(new ProcessStartInfo(
                "/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir])
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            for (var i = 0; i < 200 && !process.HasExited; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return new Smtp(process, port, maildir);
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }
            if (!process.HasExited)
                process.Kill();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
