using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Auth;

/// <summary>Every role against every page group, as the roles table of the design says.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class AuthorizationMatrixTests : IClassFixture<AuthorizationMatrixTests.Fixture>
{
    private const string Anonymous = "anonymous";
    private readonly Fixture fixture;

    public AuthorizationMatrixTests(Fixture fixture) => this.fixture = fixture;

    public static TheoryData<string, string, bool> Matrix()
    {
        string[] portal = ["/portal", "/portal/redeem", "/portal/redemptions"];
        string[] staff = ["/admin", "/admin/redemptions"];
        string[] admin = [
            "/admin/participants", "/admin/participants/1", "/admin/rewards", "/admin/audit", "/admin/deliveries", "/admin/alerts", "/settings/notifications",
            "/settings/users", "/hangfire"];
        string[] owner = ["/settings/api-keys", "/settings/backups"];
        var data = new TheoryData<string, string, bool>();
        foreach (var role in new[] { Anonymous, Roles.Owner, Roles.Admin, Roles.TeamMember, Roles.Participant })
        {
            foreach (var page in portal) data.Add(role, page, role == Roles.Participant);
            foreach (var page in staff) data.Add(role, page, role is Roles.Owner or Roles.Admin or Roles.TeamMember);
            foreach (var page in admin) data.Add(role, page, role is Roles.Owner or Roles.Admin);
            foreach (var page in owner) data.Add(role, page, role == Roles.Owner);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachRoleOpensOnlyThePagesItMay(string role, string path, bool allowed)
    {
        var client = await fixture.ClientAsync(role);
        var response = await client.GetAsync(path);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var expected = role == Anonymous ? "/account/login" : "/account/access-denied";
        Assert.StartsWith(expected, response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task TheStartPageSendsEachRoleToItsOwnArea()
    {
        var participant = await (await fixture.ClientAsync(Roles.Participant)).GetStringAsync("/portal");
        Assert.Contains("Home", participant);
        var anonymous = await (await fixture.ClientAsync(Anonymous)).GetAsync("/");
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.AbsolutePath);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly Dictionary<string, HttpClient> clients = [];
        public PortalFactory Factory { get; } = new();

        public async Task InitializeAsync()
        {
            foreach (var role in new[] { Roles.Admin, Roles.TeamMember, Roles.Participant })
                await Factory.CreateUserAsync($"{role.ToLowerInvariant()}@test.local", role);
        }

        public async Task<HttpClient> ClientAsync(string role)
        {
            if (clients.TryGetValue(role, out var client))
                return client;
            client = role switch
            {
                Anonymous => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }),
                Roles.Owner => await Factory.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword),
                _ => await Factory.ClientForAsync($"{role.ToLowerInvariant()}@test.local", TestUsers.Password),
            };
            return clients[role] = client;
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
