using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Admin;
using QueuePage = RewardPortal.Web.Components.Pages.Admin.Redemptions;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class RedemptionQueuePagesTests : ComponentTest
{
    private async Task<long> RequestedRedemptionAsync()
    {
        await using var db = Database.CreateDbContext();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db, points: 0);
        participant.Address = new() { Line1 = "1 Queue Lane", City = "Leeds" };
        participant.CustomFields = new() { ["size"] = "XL" };
        var redemption = TestData.Redemption(participant, reward);
        db.Redemptions.Add(redemption);
        await db.SaveChangesAsync();
        return redemption.Id;
    }

    [Fact]
    public async Task TheQueueListsRedemptionsFromTheDatabase()
    {
        await RequestedRedemptionAsync();
        SignInAs("team@example.com", Roles.TeamMember);
        RenderProviders();

        var page = Render<QueuePage>();

        page.WaitForAssertion(() => Assert.Contains("Ada Lovelace", page.Find("[data-testid=queue]").TextContent));
        Assert.Contains("Requested", page.Find("[data-testid=queue]").TextContent);
    }

    [Fact]
    public async Task TheDetailShowsWhatFulfilmentNeedsAndFulfilsOnce()
    {
        var id = await RequestedRedemptionAsync();
        SignInAs("team@example.com", Roles.TeamMember);
        var dialogs = RenderProviders();
        var page = Render<RedemptionDetail>(p => p.Add(d => d.Id, id));

        page.WaitForAssertion(() => Assert.Contains("1 Queue Lane", page.Find("[data-testid=participant-card]").TextContent));
        Assert.Contains("XL", page.Find("[data-testid=participant-card]").TextContent);
        Assert.Contains("X-1", page.Find("[data-testid=reward-card]").TextContent);

        page.Find("[data-testid=fulfil]").Click();
        dialogs.WaitForElement("[data-testid=decision-message]").Change("Shipped by courier");
        dialogs.Find("[data-testid=decision-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("Shipped by courier", page.Find("[data-testid=history]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=fulfil]"));
        await using var db = Database.CreateDbContext();
        Assert.Equal(RedemptionStatus.Fulfilled, (await db.Redemptions.SingleAsync()).Status);
    }

    [Fact]
    public async Task ASecondDecisionShowsWhoDecidedFirst()
    {
        var id = await RequestedRedemptionAsync();
        SignInAs("team@example.com", Roles.TeamMember);
        var dialogs = RenderProviders();
        var page = Render<RedemptionDetail>(p => p.Add(d => d.Id, id));
        page.WaitForElement("[data-testid=refuse]").Click();
        await Services.GetRequiredService<RedemptionDecisionService>().FulfilAsync(id, "Beat you to it", "other@example.com");

        dialogs.WaitForElement("[data-testid=decision-message]").Change("Out of stock");
        dialogs.Find("[data-testid=decision-submit]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("already fulfilled by other@example.com", dialogs.Find("[data-testid=decision-error]").TextContent));
    }

    [Fact]
    public async Task RefusingSaysWhatIsRefundedAndWillNotGoWithoutAReason()
    {
        var id = await RequestedRedemptionAsync();
        SignInAs("team@example.com", Roles.TeamMember);
        var dialogs = RenderProviders();
        var page = Render<RedemptionDetail>(p => p.Add(d => d.Id, id));

        page.WaitForElement("[data-testid=refuse]").Click();

        Assert.Contains("10 points will be refunded to the participant's balance", dialogs.WaitForElement("[data-testid=refund-notice]").TextContent);
        dialogs.Find("[data-testid=decision-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Say why the redemption is refused.", dialogs.Markup));
        await using (var db = Database.CreateDbContext())
            Assert.Equal(RedemptionStatus.Requested, (await db.Redemptions.SingleAsync()).Status);

        dialogs.Find("[data-testid=decision-message]").Change("Out of stock");
        dialogs.Find("[data-testid=decision-submit]").Click();

        page.WaitForAssertion(() => Assert.Contains("Out of stock", page.Find("[data-testid=history]").TextContent));
        await using var check = Database.CreateDbContext();
        Assert.Equal(RedemptionStatus.Refused, (await check.Redemptions.SingleAsync()).Status);
    }
}
