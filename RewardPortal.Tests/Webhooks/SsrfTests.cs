using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Webhooks;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Webhooks;

[Collection(HostedAppCollection.Name)]
public sealed class SsrfTests : IAsyncLifetime
{
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory(TestData.FastRetries().With(new() { ["Webhooks:AllowPrivateNetworks"] = "false" }));
        _ = factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks", "resolves to 127.0.0.1")]
    [InlineData("http://localhost/hooks", "loopback")]
    [InlineData("https://10.0.0.1/hooks", "resolves to 10.0.0.1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "resolves to 169.254.169.254")]
    [InlineData("http://[::1]/hooks", "resolves to ::1")]
    [InlineData("http://[::ffff:192.168.1.10]/hooks", "192.168.1.10")]
    [InlineData("http://100.64.0.1/hooks", "resolves to 100.64.0.1")]
    [InlineData("http://[::7f00:1]/hooks", "resolves to ::127.0.0.1")]
    [InlineData("http://[::a9fe:a9fe]/latest/meta-data/", "resolves to ::169.254.169.254")]
    [InlineData("http://[::ffff:0:127.0.0.1]/hooks", "resolves to ::ffff:0:127.0.0.1")]
    [InlineData("http://[2002:7f00:1::]/hooks", "resolves to 2002:7f00:1::")]
    [InlineData("http://[64:ff9b:1::a9fe:a9fe]/hooks", "resolves to 64:ff9b:1::a9fe:a9fe")]
    [InlineData("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hooks", "resolves to 2001:0:4136:e378:8000:63bf:80ff:fffe")]
    [InlineData("https://user:secret@hooks.example.com/rewards", "user name or password")]
    [InlineData("https://token@hooks.example.com/rewards", "user name or password")]
    [InlineData("file:///etc/passwd", "https:// or http://")]
    [InlineData("ftp://example.com/hooks", "https:// or http://")]
    [InlineData("hooks/relative", "absolute URL")]
    public async Task WebhookUrlsOnPrivateNetworksAreRefusedAtSave(string url, string reason)
    {
        var error = await Assert.ThrowsAsync<PortalException>(() => factory.CreateWebhookAsync(url));

        Assert.Equal("webhookUrl", error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task AWebhookThatResolvesToAPrivateAddressIsRefusedAgainAtSendTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Saved while the address was public (or by an older version): the send-time check still stops it.
        var notificationId = await StoreWebhookPastTheSaveCheckAsync(receiver.Url());

        await factory.CreateParticipantAsync();

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(notificationId)).SingleOrDefault()?.Status == DeliveryStatus.Failed,
            what: "the delivery to fail");
        var delivery = (await factory.DeliveriesAsync(notificationId)).Single();
        Assert.StartsWith("Refused: 127.0.0.1 resolves to 127.0.0.1", Assert.Single(delivery.Attempts).Error);
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("http://[2002:7f00:1::]:9/hooks", "resolves to 2002:7f00:1::")]
    [InlineData("http://[::ffff:0:127.0.0.1]:9/hooks", "resolves to ::ffff:0:127.0.0.1")]
    [InlineData("http://hook:secret@127.0.0.1:9/hooks", "The URL may not contain a user name or password")]
    public async Task AnAddressRefusedAtSendTimeFailsAtOnceWithItsReasonAndAlertsTheOwner(string url, string reason)
    {
        // Stored by an older version, which let these through.
        var notificationId = await StoreWebhookPastTheSaveCheckAsync(url);

        await factory.CreateParticipantAsync();

        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(notificationId)).SingleOrDefault()?.Status == DeliveryStatus.Failed,
            what: "the delivery to fail");
        var attempt = Assert.Single((await factory.DeliveriesAsync(notificationId)).Single().Attempts);
        Assert.StartsWith("Refused: ", attempt.Error);
        Assert.Contains(reason, attempt.Error);
        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.Alerts.AnyAsync(a => a.Audience == Roles.Owner && a.Key!.StartsWith($"deliveries-failing:{notificationId}:"));
        }, what: "the Owner's alert");
    }

    [Fact]
    public async Task SendTestIsRefusedForAPrivateAddressToo()
    {
        var service = factory.Services.CreateScope().ServiceProvider.GetRequiredService<NotificationService>();
        await using var db = await factory.CreateDbContextAsync();
        var notification = new Notification
        {
            Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.ParticipantCreated], WebhookUrl = "http://127.0.0.1:9/hooks",
            Secret = WebhookSecret.New(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();

        var result = await service.SendTestAsync(notification.Id, "test", isOwner: true);

        Assert.False(result.Succeeded);
        Assert.StartsWith("Refused:", result.Error);
    }

    private async Task<long> StoreWebhookPastTheSaveCheckAsync(string url)
    {
        await using var db = await factory.CreateDbContextAsync();
        var notification = new Notification
        {
            Name = "Stored before the check", Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.ParticipantCreated], WebhookUrl = url,
            Secret = WebhookSecret.New(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    }
}


public sealed class WebhookAddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("::7f00:1", false)]
    [InlineData("::a9fe:a9fe", false)]
    [InlineData("::8.8.8.8", false)]
    [InlineData("::ffff:0:127.0.0.1", false)]
    [InlineData("2002:7f00:1::", false)]
    [InlineData("2002:808:808::1", false)]
    [InlineData("64:ff9b:1::a9fe:a9fe", false)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("100::1", false)]
    [InlineData("4000::1", false)]
    [InlineData("2a00:1450:4001:81c::200e", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void OnlyPublicAddressesArePublic(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookAddressGuard.IsPublic(IPAddress.Parse(address)));

}
