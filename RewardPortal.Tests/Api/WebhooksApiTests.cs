using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class WebhooksApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public WebhooksApiTests() => api = factory.ApiClient();

    [Fact]
    public async Task AWebhookCannotBeADailyDigest()
    {
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { name = "Digest", url = "https://hooks.example.com/r", events = new[] { "redemption.requested" }, frequency = "daily" }))
            .AssertProblemAsync(422, "frequency");
        var created = await (await api.PostJsonAsync(
            "/api/v1/webhooks",
            new { name = "Every time", url = "https://hooks.example.com/r", events = new[] { "redemption.requested" }, frequency = "every_time" })).JsonAsync();

        await (await api.SendAsync(
            new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/webhooks/{created["id"]}") { Content = JsonContent.Create(new { frequency = "daily" }) }))
            .AssertProblemAsync(422, "frequency");
    }

    [Fact]
    public async Task TheOwnerCreatesAWebhookSeesItsSecretOnceAndEditsAndDeletesIt()
    {
        var created = await api.PostJsonAsync(
            "/api/v1/webhooks", new { name = "Fulfilment system", url = "https://hooks.example.com/rewards", events = new[] { "redemption.requested" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.StartsWith("whsec_", (string?)body["secret"]);
        Assert.Equal("Fulfilment system", (string?)body["name"]);
        var id = (long)body["id"]!;

        var listed = (await (await api.GetAsync("/api/v1/webhooks")).JsonAsync()).AsArray();
        Assert.Null(listed.Single()!["secret"]);
        Assert.Equal("Fulfilment system", (string?)listed.Single()!["name"]);

        var patched = await (await api.SendAsync(
            new HttpRequestMessage(
                HttpMethod.Patch,
                $"/api/v1/webhooks/{id}") { Content = JsonContent.Create(new { enabled = false, name = "Old fulfilment system" }) })).JsonAsync();
        Assert.False((bool)patched["enabled"]!);
        Assert.Equal("Old fulfilment system", (string?)patched["name"]);
        Assert.Equal("https://hooks.example.com/rewards", (string?)patched["url"]);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Empty((await (await api.GetAsync("/api/v1/webhooks")).JsonAsync()).AsArray());
        await (await api.DeleteAsync($"/api/v1/webhooks/{id}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task AWebhookWithoutANameIsRefusedNamingTheField()
    {
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { url = "https://hooks.example.com/x", events = new[] { "redemption.requested" } })).AssertProblemAsync(422, "name");
    }

    [Theory]
    [InlineData("ftp://hooks.example.com/x", "url")]
    [InlineData("not a url", "url")]
    public async Task BadWebhooksAreRefusedNamingTheField(string url, string field)
    {
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { name = "Bad", url, events = new[] { "redemption.requested" } })).AssertProblemAsync(422, field);
        await (await api.PostJsonAsync(
            "/api/v1/webhooks",
            new { name = "Bad", url = "https://hooks.example.com/x", events = new[] { "nonsense.event" } })).AssertProblemAsync(422, "events");
    }

    [Fact]
    public async Task AnAdminsKeyMayReadDeliveriesButNotWebhooks()
    {
        var adminId = await factory.CreateUserAsync("admin@test.local", Roles.Admin);
        var key = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync("Admin key", adminId, "test");
        var admin = factory.ApiClient(key.Secret);

        await (await admin.GetAsync("/api/v1/webhooks")).AssertProblemAsync(403);
        await (await admin.PostJsonAsync(
            "/api/v1/webhooks", new { url = "https://hooks.example.com/x", events = new[] { "redemption.requested" } })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/deliveries?status=failed")).StatusCode);
        await (await admin.PostJsonAsync("/api/v1/deliveries/424242/redeliver", new { })).AssertProblemAsync(404);
    }

    public void Dispose() => factory.Dispose();
}
