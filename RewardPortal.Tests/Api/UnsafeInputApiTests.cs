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

        var created = await api.PostJsonAsync(
            "/api/v1/rewards", new { name = "Mug", type = "custom", costCurrency = "points", cost = 10, imageUrl = "https://cdn.example.com/mug.png?v=2" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await created.JsonAsync())["id"]!;

        await (await api.SendAsync(Patch($"/api/v1/rewards/{id}", new { imageUrl = CssBreakout }))).AssertProblemAsync(422, "imageUrl");
        var read = (await (await api.GetAsync("/api/v1/rewards")).JsonAsync()).AsArray().Single(r => (long)r!["id"]! == id)!;
        Assert.Equal("https://cdn.example.com/mug.png?v=2", (string?)read["imageUrl"]);
    }

    public static TheoryData<string, string> ForgedLines() => new()
    {
        { "name", """{"name":"Ada\r\nReward: Laptop","email":"a1@example.com"}""" },
        { "name", """{"name":"Ada\u0000","email":"a2@example.com"}""" },
        { "name", """{"name":"Ada \u202Eevil","email":"a3@example.com"}""" },
        { "customFields", """{"name":"Ada","email":"a4@example.com","customFields":{"size":"M\nApproved: yes"}}""" },
        { "customFields", """{"name":"Ada","email":"a5@example.com","customFields":{"size\r\nX":"M"}}""" },
        { "address", """{"name":"Ada","email":"a6@example.com","address":{"line1":"1 Main St\nLine forged"}}""" },
    };

    [Theory]
    [MemberData(nameof(ForgedLines))]
    public async Task ParticipantFieldsMeantAsOneLineRefuseLineBreaksAndControlCharacters(string field, string json)
    {
        var response = await api.PostAsync("/api/v1/participants", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(422, field);
    }

    [Fact]
    public async Task RewardNamesMetadataCreditReasonsAndWebhookNamesRefuseLineBreaks()
    {
        await (await api.PostJsonAsync("/api/v1/rewards", new { name = "Mug\r\nCost: 0", type = "custom", costCurrency = "points", cost = 10 }))
            .AssertProblemAsync(422, "name");
        await (await api.PostJsonAsync(
            "/api/v1/rewards",
            new
            {
                name = "Mug", type = "custom", costCurrency = "points", cost = 10, metadata = new Dictionary<string, string> { ["sku"] = "M-1\nvendor: evil" },
            }))
            .AssertProblemAsync(422, "metadata");
        var participant = (long)(await (await api.PostJsonAsync(
            "/api/v1/participants", new { name = "Grace", email = "grace@example.com" })).JsonAsync())["id"]!;
        await (await api.PostJsonAsync($"/api/v1/participants/{participant}/credits", new { points = 10, reason = "Bonus\r\nApproved by: CEO" }))
            .AssertProblemAsync(422, "reason");
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { url = "https://hooks.example.com/r", events = new[] { "participant.created" }, description = "CRM\u202Egnp.exe" }))
            .AssertProblemAsync(422, "description");
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { name = "CRM\r\nOwner: approved", url = "https://hooks.example.com/r", events = new[] { "participant.created" } }))
            .AssertProblemAsync(422, "name");
        Assert.Equal(0, (long)(await (await api.GetAsync($"/api/v1/participants/{participant}")).JsonAsync())["pointsBalance"]!);
    }

    [Fact]
    public async Task MultiLineMessagesKeepTheirLinesAsLfAndLoseControlCharactersAndOverrides()
    {
        var reward = await (await api.PostJsonAsync("/api/v1/rewards", new
        {
            name = "Hoodie", type = "custom", costCurrency = "points", cost = 10, description = "Warm\r\nSoft\rGrey\u0000\u202Edlo\tfit",
        })).JsonAsync();
        Assert.Equal("Warm\nSoft\nGreydlo\tfit", (string?)reward["description"]);

        var participant = (long)(await (await api.PostJsonAsync("/api/v1/participants", new { name = "Alan", email = "alan@example.com" })).JsonAsync())["id"]!;
        await api.PostJsonAsync($"/api/v1/participants/{participant}/credits", new { points = 100, reason = "Welcome" });
        var redemption = await (await api.PostJsonAsync(
            "/api/v1/redemptions", new { participantId = participant, rewardId = (long)reward["id"]! })).JsonAsync();
        var id = (long)redemption["redemption"]!["id"]!;

        var refused = await (await api.PostJsonAsync(
            $"/api/v1/redemptions/{id}/refuse", new { message = "Sorry,\r\nout of stock.\u0007\u2066\r\nThe team" })).JsonAsync();

        Assert.Equal("Sorry,\nout of stock.\nThe team", (string?)refused["redemption"]!["message"]);
    }

    public sealed class Fixture : IDisposable
    {
        public PortalFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
