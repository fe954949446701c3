using MimeKit;

namespace RewardPortal.Core.Email;

/// <summary>Writes each message as an .eml file: mail with no SMTP server, for a first run or a demo.</summary>
public sealed class PickupDirectoryMailTransport(string directory) : IMailTransport
{
    public string Directory { get; } = directory;

    public async Task SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var message in messages)
        {
            var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml";
            var temporary = Path.Combine(Directory, name + ".tmp");
            await message.WriteToAsync(temporary, cancellationToken);
            // Rename last, so that a reader never sees half a message.
            File.Move(temporary, Path.Combine(Directory, name));
        }
    }
}
