using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using NotificationsPage = RewardPortal.Web.Components.Pages.Settings.Notifications;

namespace RewardPortal.Tests.Components.Pages.Settings;

/// <summary>The Add notification dialog shows "In campaign(s)" only for events that belong to a campaign, as the seed does.</summary>
public sealed class InCampaignsFieldTests : ComponentTest
{
    [Fact]
    public async Task TheFieldShowsForRedemptionsWithTheChosenCampaignAndNotForAParticipantCreatedWebhook()
    {
        await using (var db = Database.CreateDbContext())
        {
            var spring = new Campaign { Name = "Spring referral push", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Users.Add(TestData.User("tina@example.com", id: "tina", name: "Tina"));
            var roleId = Guid.NewGuid().ToString();
            db.Roles.Add(
                new Microsoft.AspNetCore.Identity.IdentityRole(Roles.TeamMember) { Id = roleId, NormalizedName = Roles.TeamMember.ToUpperInvariant() });
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = "tina", RoleId = roleId });
            db.Notifications.Add(new Notification
            {
                Name = "New participants to the CRM", Channel = NotificationChannel.Webhook, EventTypes = [EventTypes.ParticipantCreated],
                WebhookUrl = "https://crm.example.com/hooks", Secret = WebhookSecret.New(), CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            db.Notifications.Add(new Notification
            {
                Name = "Spring redemptions to Tina", Channel = NotificationChannel.Email, EventTypes = [EventTypes.RedemptionRequested],
                RedemptionTypes = [RewardType.Custom], Campaigns = [spring], CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
            var emailRule = await db.Notifications.Include(n => n.Recipients).SingleAsync(n => n.Channel == NotificationChannel.Email);
            emailRule.Recipients.Add(await db.Users.SingleAsync(u => u.Id == "tina"));
            await db.SaveChangesAsync();
        }
        SignInAs("owner@example.com", Roles.Owner);
        var dialogs = RenderProviders();
        var page = Render<NotificationsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[aria-label=Edit]").Count));

        page.FindAll("[aria-label=Edit]")[0].Click();
        dialogs.WaitForElement("[data-testid=save]");
        Assert.Empty(dialogs.FindAll("[data-testid=in-campaigns]"));
        dialogs.FindAll("button").First(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=save]")));

        page.FindAll("[aria-label=Edit]")[1].Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Spring referral push", dialogs.Find("[data-testid=in-campaigns]").OuterHtml));
        dialogs.Find("[data-testid=save]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=save]")));
        await using var check = Database.CreateDbContext();
        Assert.Equal(["Spring referral push"], await check.Notifications.Where(n => n.Channel == NotificationChannel.Email)
            .SelectMany(n => n.Campaigns.Select(c => c.Name)).ToListAsync());
    }
}
