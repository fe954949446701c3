using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace RewardPortal.Core.Email;

/// <summary>MailKit over SMTP. A client is kept connected between bursts and reconnected when the server has dropped it.</summary>
public sealed class SmtpMailTransport(IOptions<EmailOptions> options) : IMailTransport, IAsyncDisposable
{
    private readonly SmtpOptions smtp = options.Value.Smtp;
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpClient? client;

    public async Task SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var connected = await ConnectAsync(cancellationToken);
            foreach (var message in messages)
                await connected.SendAsync(message, cancellationToken);
        }
        catch
        {
            // A half-open connection must not poison the next burst.
            client?.Dispose();
            client = null;
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (client is { IsConnected: true })
        {
            try
            {
                await client.NoOpAsync(cancellationToken);
                return client;
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException)
            {
                client.Dispose();
            }
        }

        client = new SmtpClient { Timeout = 30_000 };
        if (smtp.AcceptAnyCertificate)
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync(smtp.Host!, smtp.Port, ToSocketOptions(smtp.Security), cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName))
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        return client;
    }

    private static SecureSocketOptions ToSocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    public async ValueTask DisposeAsync()
    {
        if (client is { IsConnected: true })
            await client.DisconnectAsync(quit: true);
        client?.Dispose();
        gate.Dispose();
    }
}
