using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace RewardPortal.Core.Email;

/// <summary>The SMTP connection could not be encrypted, and Email:Smtp:Security does not allow plain text.</summary>
public sealed class SmtpNotEncryptedException(string message) : Exception(message);

/// <summary>
/// MailKit over SMTP. A client is kept connected between bursts and reconnected when the server has dropped it.
/// Unless Security is explicitly None, the connection is encrypted before anything else is said, credentials included:
/// a server (or an attacker on the path stripping STARTTLS) that offers no TLS gets no message and no password.
/// </summary>
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
        var socketOptions = ToSocketOptions(smtp);
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, socketOptions, cancellationToken);
        }
        catch (NotSupportedException) when (socketOptions == SecureSocketOptions.StartTls)
        {
            throw new SmtpNotEncryptedException(
                $"{smtp.Host}:{smtp.Port} does not offer STARTTLS, so the connection cannot be encrypted: nothing was sent, and no credentials. " +
                $"Email:Smtp:Security is {smtp.Security}; use SslOnConnect for a server that expects TLS from the start, "
                    + $"or None only for a server that cannot encrypt.");
        }
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            if (!client.IsSecure && smtp.Security != SmtpSecurity.None)
                throw new SmtpNotEncryptedException(
                    $"{smtp.Host}:{smtp.Port}: the connection is not encrypted, so the credentials were not sent (Email:Smtp:Security is {smtp.Security}).");
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }
        return client;
    }

    /// <summary>
    /// Auto is TLS on connect for port 465 and required STARTTLS elsewhere. It is not MailKit's Auto, which goes on in
    /// plain text when the server does not offer STARTTLS.
    /// </summary>
    internal static SecureSocketOptions ToSocketOptions(SmtpOptions smtp) => smtp.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
    };

    public async ValueTask DisposeAsync()
    {
        if (client is { IsConnected: true })
            await client.DisconnectAsync(quit: true);
        client?.Dispose();
        gate.Dispose();
    }
}
