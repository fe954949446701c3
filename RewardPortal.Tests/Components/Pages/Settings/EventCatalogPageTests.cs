using Bunit;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Web.Components.Pages.Settings;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class EventCatalogPageTests : Infrastructure.ComponentTest
{
    [Fact]
    public void AnAdminReadsEveryEventButSendsNothing()
    {
        SignInAs("admin@example.com", Roles.Admin);
        RenderProviders();

        var page = Render<EventCatalogPage>();

        page.WaitForAssertion(() => Assert.Equal(EventTypes.All, page.FindAll("[data-testid=event-type]").Select(e => e.TextContent)));
        Assert.Contains("\"type\": \"redemption.requested\"", page.Find("[data-testid=event-example]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=send-example]"));
        Assert.Empty(page.FindAll("[data-testid=example-webhook]"));
    }
}
