using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Alerts;

/// <summary>Failure alerts as several engine nodes raise them on one database: one row and one email each, never two.</summary>
public sealed class DeliveryFailureAlertsTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private SqliteTestDatabase? sqlite;

    public static TheoryData<string> Providers() => TestProviders.All();

    [Theory, MemberData(nameof(Providers))]
    public async Task TwoNodesRaisingTheSameAlertTogetherWriteOneRowAndSendOneEmail(string provider)
    {
        var database = Database(provider);
        var webhooks = await SeedAsync(database, webhooks: 4);
        var pickup = new PickupDirectoryMailTransport(directory.File("pickup"));
        var nodes = Enumerable.Range(0, 2).Select(_ => Node(database, pickup)).ToList();

        // Every node reports every webhook's failures at the same moment, as engines on one PostgreSQL database can.
        await Task.WhenAll(webhooks.SelectMany(id => nodes.Select(node => Task.Run(() => node.Alerts.DeliveriesFailedAsync([(id, "HTTP 500")])))));
        foreach (var node in nodes)
            await node.Mailer.SendPendingAsync();

        await using var db = database.CreateDbContext();
        var alerts = await db.Alerts.ToListAsync();
        Assert.Equal(webhooks.Order(), alerts.Select(a => long.Parse(a.Link!.Split('=')[1].Split('&')[0])).Order());
        Assert.All(alerts, a => Assert.NotNull(a.EmailedAt));
        var emails = Directory.GetFiles(pickup.Directory, "*.eml").Select(f => MimeMessage.Load(f)).ToList();
        Assert.Equal(webhooks.Count, emails.Count);
        Assert.All(emails, e => Assert.StartsWith("[RewardPortal] Deliveries failing", e.Subject));
    }

    [Fact]
    public async Task ARaisedAlertIsEmailedOnceEvenWhenTheRecurringMailerRunsAfterIt()
    {
        var database = Database(TestProviders.Sqlite);
        var webhook = Assert.Single(await SeedAsync(database, webhooks: 1));
        var pickup = new PickupDirectoryMailTransport(directory.File("pickup"));
        var node = Node(database, pickup);

        await node.Alerts.DeliveriesFailedAsync([(webhook, "HTTP 500")]);
        await node.Mailer.SendPendingAsync();
        await node.Alerts.DeliveriesFailedAsync([(webhook, "HTTP 503")]);
        await node.Mailer.SendPendingAsync();

        var email = MimeMessage.Load(Assert.Single(Directory.GetFiles(pickup.Directory, "*.eml")));
        Assert.Equal(["owner@example.com"], email.To.Mailboxes.Select(m => m.Address!));
        await using var db = database.CreateDbContext();
        Assert.Contains("HTTP 503", Assert.Single(await db.Alerts.ToListAsync()).Body);
    }

    private IDbContextFactory<RewardPortalDbContext> Database(string provider) =>
        provider == TestProviders.Postgres ? new PostgresTestDatabase(PostgresServer.Shared) : sqlite = new SqliteTestDatabase();

    private static (DeliveryFailureAlerts Alerts, AlertMailer Mailer) Node(IDbContextFactory<RewardPortalDbContext> database, IMailTransport mail)
    {
        var composer = TestMail.Composer(Options.Create(new EmailOptions()));
        var mailer = new AlertMailer(database, mail, composer, TimeProvider.System, NullLogger<AlertMailer>.Instance);
        return (new DeliveryFailureAlerts(database, mailer, TimeProvider.System, NullLogger<DeliveryFailureAlerts>.Instance), mailer);
    }

    private static async Task<List<long>> SeedAsync(IDbContextFactory<RewardPortalDbContext> database, int webhooks)
    {
        await using var db = await database.CreateDbContextAsync();
        db.Roles.Add(new() { Id = Roles.Owner, Name = Roles.Owner, NormalizedName = Roles.Owner.ToUpperInvariant() });
        db.Users.Add(TestData.User("owner@example.com", id: "owner", name: "Owner"));
        db.UserRoles.Add(new() { UserId = "owner", RoleId = Roles.Owner });
        var notifications = Enumerable.Range(1, webhooks).Select(i => new Notification
        {
            Channel = NotificationChannel.Webhook, WebhookUrl = $"https://hooks.example.com/{i}", Secret = WebhookSecret.New(),
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        }).ToList();
        db.Notifications.AddRange(notifications);
        await db.SaveChangesAsync();
        return notifications.Select(n => n.Id).ToList();
    }

    public void Dispose()
    {
        sqlite?.Dispose();
        directory.Dispose();
    }
}
