using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class ApiAuthenticationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("rpk_not_a_real_key_at_all_000000000")]
    [InlineData("Basic abc")]
    public async Task AMissingOrWrongKeyGets401ProblemDetails(string? key)
    {
        using var factory = new PortalFactory();
        var client = factory.ApiClient(null);
        if (key is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", key.StartsWith("Basic") ? key : "Bearer " + key);

        var response = await client.GetAsync("/api/v1/participants/1");

        await response.AssertProblemAsync(401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task ARevokedKeyGets401AndLastUseIsRecorded()
    {
        using var factory = new PortalFactory();
        var service = factory.Services.GetRequiredService<ApiKeyService>();
        await using var db = await factory.CreateDbContextAsync();
        var ownerId = db.Users.Single(u => u.Email == PortalFactory.OwnerEmail).Id;
        var created = await service.CreateAsync("Vendor", ownerId, "test");
        var client = factory.ApiClient(created.Secret);

        await (await client.GetAsync("/api/v1/participants/1")).AssertProblemAsync(404);
        await factory.Services.GetRequiredService<ApiKeyUsage>().FlushAsync();
        Assert.NotNull((await service.ListAsync()).Single(k => k.Id == created.Key.Id).LastUsedAt);

        await service.RevokeAsync(created.Key.Id, "test");
        await (await client.GetAsync("/api/v1/participants/1")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task DisablingAKeysUserRefusesTheKeyAtOnce()
    {
        using var factory = new PortalFactory();
        var userId = await factory.CreateUserAsync("member@test.local", Roles.TeamMember);
        var created = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync("Member key", userId, "test");
        var client = factory.ApiClient(created.Secret);
        await (await client.GetAsync("/api/v1/redemptions/1")).AssertProblemAsync(404);
        await using var db = await factory.CreateDbContextAsync();
        var ownerId = db.Users.Single(u => u.Email == PortalFactory.OwnerEmail).Id;

        await factory.Services.GetRequiredService<UserAdministrationService>().SetDisabledAsync(userId, true, ownerId);

        await (await client.GetAsync("/api/v1/redemptions/1")).AssertProblemAsync(401);
    }

    [Fact]
    public async Task AKeyOfATeamMemberMayNotManageParticipants()
    {
        using var factory = new PortalFactory();
        var userId = await factory.CreateUserAsync("member@test.local", Roles.TeamMember);
        var created = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync("Member key", userId, "test");

        var response = await factory.ApiClient(created.Secret).PostJsonAsync("/api/v1/participants", new { name = "X", email = "x@example.com" });

        await response.AssertProblemAsync(403);
    }

    [Fact]
    public async Task EachKeyIsRateLimitedWithRetryAfter()
    {
        using var factory = new PortalFactory(new() { ["Api:RequestsPerMinute"] = "3" });
        var client = factory.ApiClient();
        for (var i = 0; i < 3; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/v1/participants/1")).StatusCode);

        var limited = await client.GetAsync("/api/v1/participants/1");

        await limited.AssertProblemAsync(429);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task TheOpenApiDocumentAndReferencePageAreServed()
    {
        using var factory = new PortalFactory();
        var client = factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        Assert.NotNull(document["paths"]!["/api/v1/participants"]);
        Assert.Equal("RewardPortal API", (string?)document["info"]!["title"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/reference")).StatusCode);
    }
}
