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
                db.Users.Add(TestData.User($"{role}@example.com", id: role, name: role));
                db.UserRoles.Add(new() { UserId = role, RoleId = role });
            }
            db.Alerts.Add(
                new Alert
                {
                    At = DateTime.UtcNow, Title = "Coffee is running low", Body = "2 of 20 codes left.", Link = "/admin/rewards", Audience = Roles.Admin,
                });
            db.Alerts.Add(new Alert { At = DateTime.UtcNow, Title = "Webhook failing", Body = "Gave up after 8 attempts.", Audience = Roles.Owner });
            await db.SaveChangesAsync();
        }
        var pickup = new PickupDirectoryMailTransport(database.Directory.File("pickup"));
        var mailer = new AlertMailer(
            database, pickup, TestMail.Composer(Options.Create(new EmailOptions { PublicBaseUrl = "https://rewards.example.com" })), TimeProvider.System,
            NullLogger<AlertMailer>.Instance);

        await mailer.SendPendingAsync();
        await mailer.SendPendingAsync();

        var messages = Directory.GetFiles(pickup.Directory, "*.eml").Select(f => MimeMessage.Load(f)).ToList();
        Assert.Equal(2, messages.Count);
        var lowStock = messages.Single(m => m.Subject!.Contains("running low"));
        Assert.Equal(["Admin@example.com", "Owner@example.com"], lowStock.To.Mailboxes.Select(m => m.Address!).Order());
        Assert.Contains("https://rewards.example.com/admin/rewards", lowStock.TextBody);
        Assert.Equal(["Owner@example.com"], messages.Single(m => m.Subject!.Contains("Webhook failing")).To.Mailboxes.Select(m => m.Address!));
    }

    [Fact]
    public async Task OverlappingRunsMailEachAlertOnceAndAFailedSendIsTriedAgain()
    {
        await using (var db = database.CreateDbContext())
        {
            db.Roles.Add(new() { Id = Roles.Owner, Name = Roles.Owner, NormalizedName = Roles.Owner.ToUpperInvariant() });
            db.Users.Add(TestData.User("owner@example.com", id: "owner", name: "Owner"));
            db.UserRoles.Add(new() { UserId = "owner", RoleId = Roles.Owner });
            for (var i = 0; i < 5; i++)
                db.Alerts.Add(new Alert { At = DateTime.UtcNow, Title = $"Alert {i}", Audience = Roles.Owner });
            await db.SaveChangesAsync();
        }
        var transport = new SlowTransport(
            new PickupDirectoryMailTransport(Directory.CreateDirectory(database.Directory.File("pickup")).FullName)) { FailNext = true };
        var composer = TestMail.Composer(Options.Create(new EmailOptions()));
        AlertMailer Mailer() => new(database, transport, composer, TimeProvider.System, NullLogger<AlertMailer>.Instance);

        await Mailer().SendPendingAsync();
        Assert.Empty(Directory.GetFiles(transport.Inner.Directory, "*.eml"));
        // Three mailers at once, as the recurring job on one node and alerts raised on two others might run.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Mailer().SendPendingAsync())));
        await Mailer().SendPendingAsync();

        var subjects = Directory.GetFiles(transport.Inner.Directory, "*.eml").Select(f => MimeMessage.Load(f).Subject).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"[RewardPortal] Alert {i}"), subjects);
    }

    public void Dispose() => database.Dispose();

    /// <summary>Takes a while to send, so that runs overlap; fails once when asked to.</summary>
    private sealed class SlowTransport(PickupDirectoryMailTransport inner) : IMailTransport
    {
        public PickupDirectoryMailTransport Inner => inner;
        public bool FailNext { get; set; }

        public async Task SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken cancellationToken)
        {
            await Task.Delay(200, cancellationToken);
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("The mail server hung up.");
            }
            await inner.SendAsync(messages, cancellationToken);
        }
    }
}
