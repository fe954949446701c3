using System.Net;
using System.Net.Http.Json;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

/// <summary>Input that would escape where it is shown (a style attribute, a line of a plain-text email) is refused with 422.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class UnsafeInputApiTests(UnsafeInputApiTests.Fixture fixture) : IClassFixture<UnsafeInputApiTests.Fixture>
{
    private const string CssBreakout = "https://x/a.png\"); background-image: url(\"https://tracker/t";

    private readonly HttpClient api = fixture.Factory.ApiClient();

    private static HttpRequestMessage Patch(string path, object body) => new(HttpMethod.Patch, path) { Content = JsonContent.Create(body) };

    [Fact]
    public async Task AnImageUrlThatWouldLeaveItsAttributeIsRefusedOnCreateAndPatch()
    {
        await (await api.PostJsonAsync("/api/v1/rewards", new { name = "Mug", type = "custom", costCurrency = "points", cost = 10, imageUrl = CssBreakout }))
            .AssertProblemAsync(422, "imageUrl");

        var created = await api.PostJsonAsync("/api/v1/rewards", new { name = "Mug", type = "custom", costCurrency = "points", cost = 10, imageUrl = "https://cdn.example.com/mug.png?v=2" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await created.JsonAsync())["id"]!;

        await (await api.SendAsync(Patch($"/api/v1/rewards/{id}", new { imageUrl = CssBreakout }))).AssertProblemAsync(422, "imageUrl");
        var read = (await (await api.GetAsync("/api/v1/rewards")).JsonAsync()).AsArray().Single(r => (long)r!["id"]! == id)!;
        Assert.Equal("https://cdn.example.com/mug.png?v=2", (string?)read["imageUrl"]);
    }

    public sealed class Fixture : IDisposable
    {
        public PortalFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
