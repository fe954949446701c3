using Bunit;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;
using DashboardPage = RewardPortal.Web.Components.Pages.Admin.Dashboard;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class DashboardPageTests : ComponentTest
{
    [Fact]
    public async Task WaitingCountsLinkToTheirListsAndTheRangeCanChange()
    {
        await using (var db = Database.CreateDbContext())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            db.Redemptions.AddRange(
                TestData.Redemption(participant, reward), TestData.Redemption(participant, reward),
                TestData.Redemption(participant, reward, RedemptionStatus.Fulfilled));
            await db.SaveChangesAsync();
        }
        SignInAs("owner@test.local", Roles.Owner);

        var page = Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=waiting-card]").Count));
        var requested = page.FindAll("[data-testid=waiting-card]")[0];
        Assert.Contains("2", requested.TextContent);
        Assert.Equal("/admin/redemptions?status=Requested", requested.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(4, page.FindAll("[data-testid=daily-chart]").Count);

        page.FindAll("[data-testid=range] button").Single(b => b.TextContent.Contains("1 year")).Click();
        page.WaitForAssertion(() => Assert.Contains("1 year", page.Find("[data-testid=range] .mud-toggle-item-selected").TextContent));
    }
}
