using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Email;
using RewardPortal.Core.Webhooks;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Webhooks;

/// <summary>Health read from real rows, and the hourly job that turns dead webhooks off, on SQLite and PostgreSQL.</summary>
public sealed class WebhookHealthTests : IDisposable
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory directory = new();
    private readonly FixedClock clock = new(Now);
    private SqliteTestDatabase? sqlite;

    public static TheoryData<string> Providers() => TestProviders.All();

    [Theory, MemberData(nameof(Providers))]
    public async Task HealthIsReadFromTheAttemptsOfTheWindow(string provider)
    {
        var database = Database(provider);
        var scene = new WebhookHealthScene(database);
        var healthy = await scene.WebhookAsync("Healthy", Now);
        var failing = await scene.WebhookAsync("Failing", Now);
        var idle = await scene.WebhookAsync("Idle", Now);
        // Outside the window: a delivery of last month, with its attempts then.
        await scene.DeliveryAsync(healthy, Now.AddDays(-30), (Now.AddDays(-30), false, 9_000));
        // A delivery made 8 days ago whose last retry fell 6 days ago: only that retry is in the 7 days.
        await scene.DeliveryAsync(healthy, Now.AddDays(-8), (Now.AddDays(-8), false, 1_000), (Now.AddDays(-6), true, 300));
        await scene.DeliveryAsync(healthy, Now.AddDays(-3), (Now.AddDays(-3), false, 2_000), (Now.AddDays(-3).AddSeconds(5), true, 200));
        for (var i = 1; i <= 10; i++)
            await scene.DeliveryAsync(healthy, Now.AddHours(-i), (Now.AddHours(-i), true, i * 10));
        await scene.DeliveryAsync(failing, Now.AddHours(-30), (Now.AddHours(-30), true, 50));
        await scene.DeliveryAsync(failing, Now.AddHours(-3), (Now.AddHours(-3), false, 15_000), (Now.AddHours(-2), false, 15_000));
        await scene.DeliveryAsync(failing, Now.AddHours(-1), DeliveryStatus.Pending, (Now.AddHours(-1), false, 4_000));

        var rows = await Queries(database).ListAsync();

        Assert.Equal([failing, healthy, idle], rows.Select(r => r.Id));
        var h = rows.Single(r => r.Id == healthy).Health;
        Assert.Equal((10, 1.0, 13, 12 / 13.0, 100, 0), (h.Attempts24h, h.SuccessRate24h, h.Attempts7d, h.SuccessRate7d, h.P95Ms, h.ConsecutiveFailures));
        Assert.Equal(EndpointState.Healthy, rows.Single(r => r.Id == healthy).State);
        var f = rows.Single(r => r.Id == failing);
        Assert.Equal((3, 0.0, 4, 0.25, 15_000, 3, Now.AddHours(-3)),
            (f.Health.Attempts24h, f.Health.SuccessRate24h, f.Health.Attempts7d, f.Health.SuccessRate7d, f.Health.P95Ms, f.Health.ConsecutiveFailures,
                f.Health.FailingSince));
        Assert.Equal(EndpointState.Failing, f.State);
        Assert.Equal(new WebhookError(Now.AddHours(-1), 503, $"HTTP 503 at {Now.AddHours(-1):u}"), f.LastError);
        Assert.Equal(EndpointHealth.None, rows.Single(r => r.Id == idle).Health);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AWebhookThatFailedEveryDeliveryForFiveDaysIsTurnedOffWithAnAlertAndAnAuditEntry(string provider)
    {
        var database = Database(provider);
        var scene = new WebhookHealthScene(database);
        await scene.OwnerAsync();
        var dead = await scene.WebhookAsync("Dead", Now);
        var almost = await scene.WebhookAsync("Almost", Now);
        var recovered = await scene.WebhookAsync("Recovered", Now);
        // Ids follow creation, as they do when the app writes them: the oldest delivery first.
        await scene.FailingHourlyAsync(recovered, Now.AddDays(-6), Now.AddDays(-1));
        await scene.DeliveryAsync(recovered, Now.AddDays(-1), (Now.AddDays(-1).AddMinutes(1), true, 80));
        await scene.FailingHourlyAsync(recovered, Now.AddDays(-1).AddHours(1), Now);
        await scene.FailingHourlyAsync(dead, Now.AddDays(-5).AddHours(-1), Now.AddMinutes(-30));
        var queued = await scene.DeliveryAsync(dead, Now.AddMinutes(-10), DeliveryStatus.Pending, (Now.AddMinutes(-10), false, 15_000));
        await scene.FailingHourlyAsync(almost, Now.AddDays(-5).AddHours(1), Now);
        var pickup = new PickupDirectoryMailTransport(directory.File("pickup"));

        var turnedOff = await Job(database, pickup).RunAsync(CancellationToken.None);

        Assert.Equal([dead], turnedOff);
        await using var db = database.CreateDbContext();
        var webhooks = await db.Notifications.AsNoTracking().ToDictionaryAsync(n => n.Id);
        Assert.False(webhooks[dead].IsEnabled);
        Assert.Equal(Now, webhooks[dead].DisabledAt);
        Assert.Equal("Turned off on Dec 6 12:00 UTC: every attempt failed for 5 days, since Dec 1 11:00.", webhooks[dead].DisabledReason);
        Assert.True(webhooks[almost].IsEnabled, "4 days and 23 hours of failures leave it on");
        Assert.True(webhooks[recovered].IsEnabled, "one success a day ago starts the five days again");
        var dropped = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == queued);
        Assert.Equal((DeliveryStatus.Failed, Now), (dropped.Status, dropped.CompletedAt));
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "webhook.auto_disabled");
        Assert.Equal((WebhookAutoDisableJob.Actor, dead.ToString()), (audit.Actor, audit.EntityId));
        Assert.Contains("1 queued deliveries failed", audit.Details);
        var alert = await db.Alerts.AsNoTracking().SingleAsync();
        Assert.Equal(("Webhook disabled: 'Dead' (https://hooks.example.com/in) failed every delivery for 5 days", "Owner"), (alert.Title, alert.Audience));
        Assert.Contains("Re-enable and re-send", alert.Body);
        var email = MimeMessage.Load(Assert.Single(Directory.GetFiles(pickup.Directory, "*.eml")));
        Assert.Equal(["owner@example.com"], email.To.Mailboxes.Select(m => m.Address!));

        Assert.Empty(await Job(database, pickup).RunAsync(CancellationToken.None));
        Assert.Single(await db.Alerts.AsNoTracking().ToListAsync());
    }

    private WebhookHealthQueries Queries(IDbContextFactory<RewardPortalDbContext> database) =>
        new(database, Options.Create(new WebhookOptions()), clock);

    private WebhookAutoDisableJob Job(IDbContextFactory<RewardPortalDbContext> database, IMailTransport mail)
    {
        var mailer = new AlertMailer(database, mail, TestMail.Composer(Options.Create(new EmailOptions())), clock, NullLogger<AlertMailer>.Instance);
        var alerts = new DeliveryFailureAlerts(database, mailer, clock, NullLogger<DeliveryFailureAlerts>.Instance);
        return new WebhookAutoDisableJob(database, Queries(database), alerts, clock, NullLogger<WebhookAutoDisableJob>.Instance);
    }

    private IDbContextFactory<RewardPortalDbContext> Database(string provider) =>
        provider == TestProviders.Postgres ? new PostgresTestDatabase(PostgresServer.Shared) : sqlite = new SqliteTestDatabase();

    public void Dispose()
    {
        sqlite?.Dispose();
        directory.Dispose();
    }
}
