using Bunit;
using RewardPortal.Core.Auditing;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Admin;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class AuditPageTests : AdminComponentTest
{
    [Fact]
    public async Task TheAuditLogPagesNewestFirstAndFiltersByWho()
    {
        await using (var db = Database.CreateDbContext())
        {
            for (var i = 1; i <= 30; i++)
                db.Audit(i % 2 == 0 ? "even@test.local" : "odd@test.local", $"thing.{i}", "Thing", i);
            await db.SaveChangesAsync();
        }

        var page = Render<Audit>();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=audit] tbody tr").Count));
        Assert.Contains("thing.30", page.FindAll("[data-testid=audit] tbody tr")[0].TextContent);
        page.Find("[data-testid=audit-actor]").Input("odd@test.local");
        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("[data-testid=audit] tbody tr").Count), TimeSpan.FromSeconds(3));
        Assert.All(page.FindAll("[data-testid=audit] tbody tr"), row => Assert.Contains("odd@test.local", row.TextContent));
    }
}
