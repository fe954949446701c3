using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

/// <summary>The engine's webhook deliveries, end to end, on SQLite and on PostgreSQL.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class WebhookDeliveryTests : WebhookEngineTest
{
    [Theory, MemberData(nameof(Providers))]
    public async Task ARedemptionWebhookArrivesSignedWithTheDocumentedBody(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url());
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.VoucherCode, webhook.Id);

        var redemption = await factory.RedeemAsync(participant, reward, voucherCode: "COFFEE-0001");

        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(StandardWebhooks.Verify(webhook.Secret!, request), "the signature verifies with the webhook's token");
        Assert.StartsWith("msg_", request.Id);
        Assert.StartsWith("application/json", request.Header("content-type"));
        Assert.StartsWith("RewardPortal-Webhooks/", request.Header("user-agent"));
        Assert.InRange(long.Parse(request.Header("webhook-timestamp")), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("redemption.requested", root.GetProperty("type").GetString());
        Assert.Equal(DateTimeKind.Utc, root.GetProperty("timestamp").GetDateTime().Kind);
        var data = root.GetProperty("data");
        Assert.Equal(redemption.Id, data.GetProperty("redemption").GetProperty("id").GetInt64());
        Assert.Equal("COFFEE-0001", data.GetProperty("redemption").GetProperty("voucherCode").GetString());
        Assert.Equal(participant.Email, data.GetProperty("participant").GetProperty("email").GetString());
        Assert.Equal("London", data.GetProperty("participant").GetProperty("address").GetProperty("city").GetString());
        Assert.Equal("M", data.GetProperty("participant").GetProperty("customFields").GetProperty("T-shirt size").GetString());
        Assert.Equal("voucher_code", data.GetProperty("reward").GetProperty("type").GetString());
        Assert.Equal("HOOD-001", data.GetProperty("reward").GetProperty("metadata").GetProperty("sku").GetString());

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);
        var delivery = (await factory.DeliveriesAsync(webhook.Id)).Single();
        Assert.Equal(request.Id, delivery.MessageId);
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Equal(200, attempt.StatusCode);
        Assert.Equal("ok", attempt.ResponseExcerpt);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AReceiverThatFailsTwiceGetsTheSameWebhookIdEveryAttemptAndEachAttemptIsLogged(string provider)
    {
        Start(provider);
        receiver.Respond = WebhookReceiver.FailTimes(2, status: 503);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();

        var requests = await receiver.WaitForAsync(3);
        Assert.Single(requests.Select(r => r.Id).Distinct());
        Assert.All(requests, r => Assert.True(StandardWebhooks.Verify(webhook.Secret!, r)));
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);
        var delivery = (await factory.DeliveriesAsync(webhook.Id)).Single();
        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal([503, 503, 200], delivery.Attempts.OrderBy(a => a.Id).Select(a => a.StatusCode));
        Assert.Equal(["failure 1", "failure 2", "finally"], delivery.Attempts.OrderBy(a => a.Id).Select(a => a.ResponseExcerpt));
        Assert.Contains("503", delivery.Attempts.OrderBy(a => a.Id).First().Error);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ARewardWithoutTheWebhookAssignedSendsNoRedemptionWebhook(string provider)
    {
        Start(provider);
        var assigned = await factory.CreateWebhookAsync(receiver.Url("assigned"));
        var unassigned = await factory.CreateWebhookAsync(receiver.Url("unassigned"));
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.Custom, assigned.Id);

        await factory.RedeemAsync(participant, reward);

        await receiver.WaitForAsync(1);
        await Task.Delay(300);
        Assert.All(receiver.Requests, r => Assert.Equal("/assigned", r.Path));
        Assert.Empty(await factory.DeliveriesAsync(unassigned.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DuringARotationBothSignaturesAreSentAndBothVerify(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        var rotated = await factory.WithServiceAsync<string, NotificationService>(s => s.RotateSecretAsync(webhook.Id, "test", isOwner: true));

        await factory.CreateParticipantAsync();

        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(2, request.Header("webhook-signature").Split(' ').Length);
        Assert.True(StandardWebhooks.Verify(webhook.Secret!, request), "the old token still verifies");
        Assert.True(StandardWebhooks.Verify(rotated, request), "the new token verifies");
        Assert.False(StandardWebhooks.Verify(WebhookSecret.New(), request));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ADisabledNotificationSendsNothing(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.WithServiceAsync<bool, NotificationService>(async s =>
        {
            await s.SetEnabledAsync(webhook.Id, false, "test", isOwner: true);
            return true;
        });

        await factory.CreateParticipantAsync();

        await Task.Delay(500);
        Assert.Empty(receiver.Requests);
        Assert.Empty(await factory.DeliveriesAsync(webhook.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DeliveriesQueuedBeforeANotificationIsDisabledStillGo(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await RecordParticipantEventDueInAsync(TimeSpan.FromSeconds(1));

        await factory.WithServiceAsync<bool, NotificationService>(async s =>
        {
            await s.SetEnabledAsync(webhook.Id, false, "test", isOwner: true);
            return true;
        });

        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(StandardWebhooks.Verify(webhook.Secret!, request));
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task GoneDisablesTheWebhookAndFailsWhatItHadQueued(string provider)
    {
        Start(provider);
        receiver.Respond = (_, _) => new Reply(410, "gone for good");
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await RecordParticipantEventDueInAsync(TimeSpan.FromSeconds(3));

        await factory.CreateParticipantAsync();

        await receiver.WaitForAsync(1);
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).All(d => d.Status == DeliveryStatus.Failed),
            what: "both deliveries to fail");
        await using var db = await factory.CreateDbContextAsync();
        var notification = await db.Notifications.SingleAsync(n => n.Id == webhook.Id);
        Assert.False(notification.IsEnabled);
        Assert.Contains("410 Gone", notification.DisabledReason);
        Assert.NotNull(notification.DisabledAt);
        var deliveries = await factory.DeliveriesAsync(webhook.Id);
        Assert.Contains(deliveries, d => d.LastStatusCode == 410 && d.Attempts.Count == 1);
        Assert.Contains(deliveries, d => d.Attempts.Count == 0 && d.LastError!.Contains("410 Gone"));
        Assert.Single(receiver.Requests);
        await Wait.UntilAsync(async () => (await AlertsAsync()).Count > 0, what: "the alert");
        var alert = Assert.Single(await AlertsAsync());
        Assert.Equal(Roles.Owner, alert.Audience);
        Assert.Contains("410", alert.Title);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AWebhookEnabledAgainThatIsStillGoneAlertsAgain(string provider)
    {
        Start(provider);
        receiver.Respond = (_, _) => new Reply(410, "gone for good");
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        await factory.CreateParticipantAsync();
        await Wait.UntilAsync(async () => (await AlertsAsync()).Count == 1, what: "the first alert");

        // The Owner turns it back on at once, and the receiver is still gone: a second turning off, a second alert.
        await factory.WithServiceAsync<bool, NotificationService>(async s =>
        {
            await s.SetEnabledAsync(webhook.Id, true, "test", isOwner: true);
            return true;
        });
        await factory.CreateParticipantAsync();

        await Wait.UntilAsync(async () => (await AlertsAsync()).Count == 2, what: "the second alert");
        Assert.Equal(2, receiver.Requests.Count);
        await using var db = await factory.CreateDbContextAsync();
        Assert.False((await db.Notifications.SingleAsync(n => n.Id == webhook.Id)).IsEnabled);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ExhaustedRetriesFailTheDeliveryAndAlertTheOwnerOnceInTheAppAndByEmail(string provider)
    {
        Start(provider);
        receiver.Respond = (_, _) => new Reply(500, "still broken");
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();
        await factory.CreateParticipantAsync();

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)) is { Count: 2 } d && d.All(x => x.Status == DeliveryStatus.Failed),
            what: "both deliveries to fail");
        var deliveries = await factory.DeliveriesAsync(webhook.Id);
        Assert.All(deliveries, d => Assert.Equal(8, d.Attempts.Count));
        Assert.Equal(16, receiver.Requests.Count);
        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.Alerts.AnyAsync(a => a.Body!.StartsWith("2 deliveries"));
        }, what: "the alert to count both failures");
        await using var check = await factory.CreateDbContextAsync();
        var alert = Assert.Single(await check.Alerts.ToListAsync());
        Assert.Equal(Roles.Owner, alert.Audience);
        Assert.Contains(receiver.Url(), alert.Title);
        Assert.Contains("HTTP 500", alert.Body);
        Assert.Equal($"/admin/deliveries?notification={webhook.Id}&status=failed", alert.Link);

        // The alert's row is committed before its email is written: wait for the file, not just the row.
        await Wait.UntilAsync(() => Task.FromResult(Directory.Exists(factory.PickupDirectory)
            && Directory.GetFiles(factory.PickupDirectory, "*.eml").Length > 0),
            what: "the alert's email");
        var email = MimeKit.MimeMessage.Load(Assert.Single(Directory.GetFiles(factory.PickupDirectory, "*.eml")));
        Assert.Equal(PortalFactory.OwnerEmail, email.To.Mailboxes.Single().Address);
        Assert.Contains("Deliveries failing", email.Subject);
        Assert.Contains($"/admin/deliveries?notification={webhook.Id}", email.TextBody);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RetryAfterIsHonoured(string provider)
    {
        Start(provider);
        receiver.Respond = (_, attempt) => attempt == 1
            ? new Reply(429, "slow down", Headers: new Dictionary<string, string> { ["Retry-After"] = "2" })
            : new Reply(200);
        await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();

        var requests = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(10));
        Assert.True(requests[1].ArrivedAt - requests[0].ArrivedAt >= TimeSpan.FromSeconds(1.9),
            $"the retry came {(requests[1].ArrivedAt - requests[0].ArrivedAt).TotalMilliseconds} ms later, not after Retry-After: 2");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AHugeEndlessAnswerIsCutAtFourKilobytesAndDoesNotHoldTheAttempt(string provider)
    {
        Start(provider);
        receiver.Respond = (_, _) => new Reply(200, EndlessBody: true);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).SingleOrDefault()?.Status == DeliveryStatus.Succeeded,
            TimeSpan.FromSeconds(5), "the delivery to succeed");
        var attempt = (await factory.DeliveriesAsync(webhook.Id)).Single().Attempts.Single();
        Assert.Equal(4096, attempt.ResponseExcerpt!.Length);
        Assert.True(attempt.DurationMs < 2000, $"the attempt took {attempt.DurationMs} ms");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ARedirectIsAFailureAndIsNotFollowed(string provider)
    {
        Start(provider);
        receiver.Respond = (r, _) => r.Path == "/moved"
            ? new Reply(200)
            : new Reply(301, "", Headers: new Dictionary<string, string> { ["Location"] = "/moved" });
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);

        await factory.CreateParticipantAsync();

        await receiver.WaitForAsync(2);
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/moved");
        var attempts = (await factory.DeliveriesAsync(webhook.Id)).Single().Attempts;
        Assert.Contains(attempts, a => a.StatusCode == 301 && !a.Succeeded && a.Error!.Contains("redirects are not followed"));
    }

    // A database turn of the engine can fail: it starts again on a fresh context and connection, and loses nothing.
    [Theory, MemberData(nameof(Providers))]
    public async Task AnOutcomeThatCouldNotBeWrittenIsWrittenOnceTheDatabaseRecoversAndNotSentAgain(string provider)
    {
        Start(provider);
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
        // The attempt log cannot be written: the turn that records the outcome fails, and fails again on every retry.
        await MoveAttemptLogAsync(away: true);

        await factory.CreateParticipantAsync();
        await receiver.WaitForAsync(1);
        await Wait.UntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains("A delivery engine turn failed"))),
            what: "a failed engine turn");
        await MoveAttemptLogAsync(away: false);

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded,
            what: "the outcome to be recorded");
        Assert.Single((await factory.DeliveriesAsync(webhook.Id)).Single().Attempts);
        Assert.Single(receiver.Requests);
    }

    /// <summary>Records a participant.created event whose deliveries fall due only later, as if queued behind a retry.</summary>
    private async Task RecordParticipantEventDueInAsync(TimeSpan delay)
    {
        await using var db = await factory.CreateDbContextAsync();
        var recorder = factory.Services.GetRequiredService<EventRecorder>();
        await recorder.RecordAsync(db, EventTypes.ParticipantCreated, new { participant = new { id = 0, name = "Queued" } },
            new EventSubject(ParticipantId: 0));
        foreach (var delivery in db.ChangeTracker.Entries<Delivery>())
            delivery.Entity.NextAttemptAt = DateTime.UtcNow + delay;
        await db.SaveChangesAsync();
        factory.Services.GetRequiredService<IDeliverySignal>().DeliveriesWritten();
    }

    private async Task<List<Alert>> AlertsAsync()
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Alerts.ToListAsync();
    }

    private async Task MoveAttemptLogAsync(bool away)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(away
            ? """ALTER TABLE "DeliveryAttempts" RENAME TO "DeliveryAttemptsAway" """
            : """ALTER TABLE "DeliveryAttemptsAway" RENAME TO "DeliveryAttempts" """);
    }
}
