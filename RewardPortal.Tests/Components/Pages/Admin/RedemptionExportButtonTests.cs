using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Identity;
using QueuePage = RewardPortal.Web.Components.Pages.Admin.Redemptions;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class RedemptionExportButtonTests : Infrastructure.ComponentTest
{
    [Fact]
    public void ExportCsvLinksToTheQueuesCurrentFilter()
    {
        SignInAs("team@example.com", Roles.TeamMember);
        RenderProviders();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/redemptions?status=Fulfilled");

        var page = Render<QueuePage>();
        var before = page.Find("[data-testid=export-csv]").GetAttribute("href");
        page.Find(".mud-switch input").Change(true);

        Assert.Equal("/admin/redemptions/export.csv?status=fulfilled&order=newest", before);
        page.WaitForAssertion(() => Assert.Equal("/admin/redemptions/export.csv?status=fulfilled&order=oldest",
            page.Find("[data-testid=export-csv]").GetAttribute("href")));
    }
}
