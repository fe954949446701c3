using Bunit;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Tests.Infrastructure;
using DeliveriesPage = RewardPortal.Web.Components.Pages.Admin.Deliveries;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class DeliveriesPageTests : ComponentTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ARowShowsTheRecipientTheRedemptionAndWhenItRetriesAndRefreshesByItself()
    {
        var (deliveryId, redemptionId) = await RetryingWebhookDeliveryAsync();
        SignInAs("admin@test.local", Roles.Admin);

        var page = Render<DeliveriesPage>(p => p.Add(c => c.RefreshEvery, TimeSpan.FromSeconds(1)));

        page.WaitForAssertion(
            () => Assert.Contains("Retrying · attempt 3 of 8 · next at", page.Find("[data-testid=delivery-status-chip]").TextContent), Wait);
        Assert.Contains("https://hooks.example.com/rewards", page.Find("[data-testid=delivery-to]").TextContent);
        var redemption = page.Find("[data-testid=delivery-redemption]");
        Assert.Equal($"#{redemptionId}", redemption.TextContent);
        Assert.Equal($"/admin/redemptions/{redemptionId}", redemption.GetAttribute("href"));

        page.Find("[data-testid=deliveries] .mud-hierarchy-toggle-button, [data-testid=deliveries] tbody button").Click();
        page.WaitForAssertion(
            () => Assert.Equal(["busy, try later", "{\"queued\":false}"], page.FindAll("[data-testid=attempt-response]").Select(c => c.TextContent)), Wait);
        Assert.Equal("HTTP 503", page.FindAll("[data-testid=attempt-error]")[0].TextContent);

        // The engine delivers it (a re-send, say): the page shows it without being reloaded.
        await using (var db = Database.CreateDbContext())
            await db.Deliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.Succeeded).SetProperty(d => d.AttemptCount, 3));
        page.WaitForAssertion(() => Assert.Equal("Delivered · attempt 3", page.Find("[data-testid=delivery-status-chip]").TextContent), Wait);
    }

    private async Task<(long DeliveryId, long RedemptionId)> RetryingWebhookDeliveryAsync()
    {
        await using var db = Database.CreateDbContext();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        var redemption = TestData.Redemption(participant, reward);
        db.Redemptions.Add(redemption);
        var notification = new Notification
        {
            Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.RedemptionRequested], WebhookUrl = "https://hooks.example.com/rewards",
            Secret = "whsec_x", CreatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        var outboxEvent = new OutboxEvent
        {
            Type = EventTypes.RedemptionRequested, OccurredAt = DateTime.UtcNow, DataJson = "{}", RedemptionId = redemption.Id,
        };
        db.Events.Add(outboxEvent);
        await db.SaveChangesAsync();
        var delivery = new Delivery
        {
            EventId = outboxEvent.Id, NotificationId = notification.Id, MessageId = "msg_test", Status = DeliveryStatus.Pending, AttemptCount = 2,
            NextAttemptAt = DateTime.UtcNow.AddMinutes(25), CreatedAt = DateTime.UtcNow, LastStatusCode = 200,
            Attempts =
            [
                new DeliveryAttempt { StartedAt = DateTime.UtcNow, DurationMs = 12, StatusCode = 503, ResponseExcerpt = "busy, try later", Error = "HTTP 503" },
                new DeliveryAttempt
                {
                    StartedAt = DateTime.UtcNow, DurationMs = 9, StatusCode = 202, ResponseExcerpt = "{\"queued\":false}",
                    Error = "HTTP 202 without body check",
                },
            ],
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return (delivery.Id, redemption.Id);
    }
}
