using System.Reflection;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Layout;
using DashboardPage = RewardPortal.Web.Components.Pages.Admin.Dashboard;

namespace RewardPortal.Tests.Components.Layout;

/// <summary>Every link the menu and the dashboard show a role leads to a page that role may open.</summary>
public sealed class NoClosedDoorsTests : ComponentTest
{
    /// <summary>Pages by route, with the roles their policy admits (null: any signed-in user).</summary>
    private static readonly Dictionary<string, string[]?> Pages = typeof(DashboardPage).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (r.Template, Type: t)))
        .Where(p => !p.Template.Contains('{'))
        .ToDictionary(p => p.Template, p => p.Type.GetCustomAttribute<AuthorizeAttribute>()?.Policy is { } policy ? RolePolicies.Roles[policy] : null);

    public static TheoryData<string> AllRoles() => new(Roles.All);

    [Theory]
    [MemberData(nameof(AllRoles))]
    public void TheMenuLinksOnlyToPagesTheRoleMayOpen(string role)
    {
        SignInAs($"{role.ToLowerInvariant()}@test.local", role);

        var menu = Render<NavMenu>();

        var links = Links(menu);
        Assert.Contains("/account/me", links);
        foreach (var link in links)
            Assert.True(MayOpen(role, link), $"{role} is shown {link}, which they may not open.");
    }

    [Theory]
    [InlineData(Roles.Owner, 3)]
    [InlineData(Roles.Admin, 3)]
    [InlineData(Roles.TeamMember, 1)]
    public void TheDashboardShowsOnlyTilesTheRoleMayFollow(string role, int tiles)
    {
        SignInAs($"{role.ToLowerInvariant()}@test.local", role);

        var dashboard = Render<DashboardPage>();

        dashboard.WaitForAssertion(() => Assert.Equal(tiles, dashboard.FindAll("[data-testid=waiting-card]").Count));
        foreach (var link in Links(dashboard))
            Assert.True(MayOpen(role, link), $"{role} is shown {link}, which they may not open.");
    }

    private static List<string> Links<T>(IRenderedComponent<T> component) where T : IComponent =>
        component.FindAll("a[href]").Select(a => a.GetAttribute("href")!.Split('?')[0]).ToList();

    private static bool MayOpen(string role, string path)
    {
        // The Hangfire dashboard is an endpoint, not a page: it asks for the Admin policy.
        if (path == "/hangfire")
            return RolePolicies.Roles[Policies.Admin].Contains(role);
        Assert.True(Pages.TryGetValue(path, out var roles), $"No page answers {path}.");
        return roles is null || roles.Contains(role);
    }
}
