using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

/// <summary>An API key acts with its user's role: every role against every API group, as the design's roles table says.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ApiAuthorizationMatrixTests(ApiAuthorizationMatrixTests.Fixture fixture) : IClassFixture<ApiAuthorizationMatrixTests.Fixture>
{
    public static TheoryData<string, string, bool> Matrix()
    {
        var groups = new (string Path, string[] Allowed)[]
        {
            ("/api/v1/redemptions", [Roles.Owner, Roles.Admin, Roles.TeamMember]),
            ("/api/v1/participants/1", [Roles.Owner, Roles.Admin]),
            ("/api/v1/rewards", [Roles.Owner, Roles.Admin]),
            ("/api/v1/deliveries", [Roles.Owner, Roles.Admin]),
            ("/api/v1/webhooks", [Roles.Owner]),
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var role in Roles.All)
            foreach (var (path, allowed) in groups)
                data.Add(role, path, allowed.Contains(role));
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachRolesKeyReachesOnlyItsGroups(string role, string path, bool allowed)
    {
        var response = await fixture.Clients[role].GetAsync(path);

        if (allowed)
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        else
            await response.AssertProblemAsync(403);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public PortalFactory Factory { get; } = new();
        public Dictionary<string, HttpClient> Clients { get; } = [];

        public async Task InitializeAsync()
        {
            var keys = Factory.Services.GetRequiredService<ApiKeyService>();
            foreach (var role in Roles.All)
            {
                var userId = await Factory.CreateUserAsync($"{role.ToLowerInvariant()}-key@test.local", role);
                Clients[role] = Factory.ApiClient((await keys.CreateAsync($"{role} key", userId, "test")).Secret);
            }
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
