using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Email;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Alerts;

public sealed class AlertMailerTests : IDisposable
{
    private readonly SqliteTestDatabase database = new();

    [Fact]
    public async Task EachAlertIsEmailedOnceToItsAudience()
    {
        await using (var db = database.CreateDbContext())
        {
            foreach (var role in new[] { Roles.Owner, Roles.Admin, Roles.TeamMember })
            {
                db.Roles.Add(new() { Id = role, Name = role, NormalizedName = role.ToUpperInvariant() });
                db.Users.Add(new AppUser { Id = role, UserName = $"{role}@example.com", Email = $"{role}@example.com", DisplayName = role });
                db.UserRoles.Add(new() { UserId = role, RoleId = role });
            }
            db.Alerts.Add(new Alert { At = DateTime.UtcNow, Title = "Coffee is running low", Body = "2 of 20 codes left.", Link = "/admin/rewards", Audience = Roles.Admin });
            db.Alerts.Add(new Alert { At = DateTime.UtcNow, Title = "Webhook failing", Body = "Gave up after 8 attempts.", Audience = Roles.Owner });
            await db.SaveChangesAsync();
        }
        var pickup = new PickupDirectoryMailTransport(database.Directory.File("pickup"));
        var mailer = new AlertMailer(database, pickup, Options.Create(new EmailOptions { PublicBaseUrl = "https://rewards.example.com" }), TimeProvider.System, NullLogger<AlertMailer>.Instance);

        await mailer.SendPendingAsync();
        await mailer.SendPendingAsync();

        var messages = Directory.GetFiles(pickup.Directory, "*.eml").Select(f => MimeMessage.Load(f)).ToList();
        Assert.Equal(2, messages.Count);
        var lowStock = messages.Single(m => m.Subject!.Contains("running low"));
        Assert.Equal(["Admin@example.com", "Owner@example.com"], lowStock.To.Mailboxes.Select(m => m.Address!).Order());
        Assert.Contains("https://rewards.example.com/admin/rewards", lowStock.TextBody);
        Assert.Equal(["Owner@example.com"], messages.Single(m => m.Subject!.Contains("Webhook failing")).To.Mailboxes.Select(m => m.Address!));
    }

    public void Dispose() => database.Dispose();
}
