using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Notifications;

[Collection(HostedAppCollection.Name)]
public sealed class NotificationServiceTests : IAsyncLifetime
{
    private PortalFactory factory = null!;
    private AsyncServiceScope scope;
    private NotificationService service = null!;

    public Task InitializeAsync()
    {
        factory = new PortalFactory();
        _ = factory.Server;
        scope = factory.Services.CreateAsyncScope();
        service = scope.ServiceProvider.GetRequiredService<NotificationService>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await scope.DisposeAsync();
        await factory.DisposeAsync();
    }

    private static NotificationInput Webhook(string url = "https://hooks.example.com/rewards") =>
        new("Fulfilment system", NotificationChannel.Webhook, [EventTypes.RedemptionRequested], [], [], url, true);

    [Fact]
    public async Task OnlyTheOwnerCreatesEditsDeletesAndSeesTheTokensOfWebhooks()
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.CreateAsync(Webhook(), "admin@test", isOwner: false));
        var created = await service.CreateAsync(Webhook(), "owner@test", isOwner: true);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(
            () => service.UpdateAsync(created.Id, Webhook("https://other.example.com/"), "admin@test", isOwner: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.SetEnabledAsync(created.Id, false, "admin@test", isOwner: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.RevealSecretAsync(created.Id, "admin@test", isOwner: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.RotateSecretAsync(created.Id, "admin@test", isOwner: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.SendTestAsync(created.Id, "admin@test", isOwner: false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.DeleteAsync(created.Id, "admin@test", isOwner: false));

        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal(created.Secret, await service.RevealSecretAsync(created.Id, "owner@test", isOwner: true));
    }

    [Fact]
    public async Task AdminsManageEmailNotificationsAndEveryChangeIsAudited()
    {
        var team = await factory.CreateUserAsync("team@test.local", Roles.TeamMember);
        var input = new NotificationInput(
            "Custom rewards to the team", NotificationChannel.Email, [EventTypes.RedemptionRequested], [RewardType.Custom], [team], null, true);

        var created = await service.CreateAsync(input, "admin@test", isOwner: false);
        await service.UpdateAsync(created.Id, input with { RedemptionTypes = [RewardType.Custom, RewardType.GiftCard] }, "admin@test", isOwner: false);
        await service.SetEnabledAsync(created.Id, false, "admin@test", isOwner: false);
        await service.DeleteAsync(created.Id, "admin@test", isOwner: false);

        await using var db = await factory.CreateDbContextAsync();
        var actions = await db.AuditEntries.Where(a => a.EntityType == nameof(Notification)).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["notification.created", "notification.updated", "notification.disabled", "notification.deleted"], actions);
        Assert.True((await db.Notifications.SingleAsync(n => n.Id == created.Id)).IsDeleted);
    }

    [Fact]
    public async Task RotationKeepsTheOldTokenSigningForADay()
    {
        var created = await service.CreateAsync(Webhook(), "owner@test", isOwner: true);

        var rotated = await service.RotateSecretAsync(created.Id, "owner@test", isOwner: true);

        await using var db = await factory.CreateDbContextAsync();
        var notification = await db.Notifications.SingleAsync(n => n.Id == created.Id);
        Assert.Equal(rotated, notification.Secret);
        Assert.Equal(created.Secret, notification.PreviousSecret);
        Assert.InRange(notification.PreviousSecretExpiresAt!.Value, DateTime.UtcNow.AddHours(23.9), DateTime.UtcNow.AddHours(24.1));
        Assert.True((await service.ListAsync()).Single().RotationInProgress);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "webhook.secret.rotated"));
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Details).ToListAsync(), d => d != null && d.Contains("whsec_"));
    }

    [Fact]
    public async Task ValidationNamesEveryFaultyField()
    {
        var email = await service.ValidateAsync(new NotificationInput(" ", NotificationChannel.Email, [], [], [], null, true));
        Assert.Equal(["eventTypes", "name", "recipientIds", "redemptionTypes"], email.Keys.Order());

        var strangers = await service.ValidateAsync(
            new NotificationInput("Strangers", NotificationChannel.Email, [EventTypes.PointsAwarded], [RewardType.Cash], ["no-such-user"], null, true));
        Assert.Contains("redemptions only", strangers["eventTypes"]);
        Assert.Contains("team member", strangers["recipientIds"]);

        var webhook = await service.ValidateAsync(
            new NotificationInput("Nothing", NotificationChannel.Webhook, ["nothing.happened"], [], [], "mailto:me@example.com", true));
        Assert.Equal(["eventTypes", "webhookUrl"], webhook.Keys.Order());

        var error = await Assert.ThrowsAsync<PortalException>(() => service.CreateAsync(Webhook(""), "owner@test", isOwner: true));
        Assert.Equal("webhookUrl", error.Field);
    }
}
