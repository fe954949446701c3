using MimeKit;

namespace RewardPortal.Core.Email;

/// <summary>Sends messages. A burst passes a list, so that one connection carries them all.</summary>
public interface IMailTransport
{
    Task SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken);
}
