using System.Net;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class ParticipantsApiTests(ParticipantsApiTests.Fixture fixture) : IClassFixture<ParticipantsApiTests.Fixture>
{
    private readonly HttpClient api = fixture.Factory.ApiClient();

    [Fact]
    public async Task CreatingAParticipantAnswersItWithALocationAndReadsBack()
    {
        var response = await api.PostJsonAsync("/api/v1/participants", new
        {
            name = "Katherine Johnson",
            email = "katherine@example.com",
            address = new { line1 = "1 Langley Way", city = "Hampton", country = "US" },
            customFields = new Dictionary<string, string> { ["team"] = "Flight" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        Assert.Equal("Hampton", (string?)created["address"]!["city"]);
        var read = await (await api.GetAsync(response.Headers.Location)).JsonAsync();
        Assert.Equal("Flight", (string?)read["customFields"]!["team"]);
        Assert.Equal(0, (long)read["pointsBalance"]!);
    }

    [Fact]
    public async Task ADuplicateEmailIsAConflict()
    {
        await api.PostJsonAsync("/api/v1/participants", new { name = "Dup One", email = "dup@example.com" });
        var again = await api.PostJsonAsync("/api/v1/participants", new { name = "Dup Two", email = "dup@example.com" });
        await again.AssertProblemAsync(409);
    }

    [Theory]
    [InlineData("""{"name":"","email":"x@example.com"}""", "name")]
    [InlineData("""{"name":"No Email","email":"not-an-email"}""", "email")]
    [InlineData("""{"name":"Wrong type","email":"w@example.com","customFields":[1,2]}""", "customFields")]
    [InlineData("""{"name": 12""", "name")]
    public async Task InvalidParticipantsAreRefusedNamingTheField(string json, string field)
    {
        var response = await api.PostRawAsync("/api/v1/participants", json);
        Assert.Equal(422, (int)response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task CreditsAddToTheBalanceAndAreRefusedWhenNegativeOrAmbiguous()
    {
        var id = (long)(await (await api.PostJsonAsync("/api/v1/participants", new { name = "Credit Me", email = "credit@example.com" })).JsonAsync())["id"]!;

        var credited = await api.PostJsonAsync($"/api/v1/participants/{id}/credits", new { points = 250, reason = "Webinar attended" });
        Assert.Equal(HttpStatusCode.Created, credited.StatusCode);
        Assert.Equal(250, (long)(await credited.JsonAsync())["balanceAfter"]!);

        await (await api.PostJsonAsync($"/api/v1/participants/{id}/credits", new { points = -5, reason = "x" })).AssertProblemAsync(422, "points");
        await (await api.PostJsonAsync(
            $"/api/v1/participants/{id}/credits", new { points = 5, cashMinor = 5, reason = "x" })).AssertProblemAsync(422, "points");
        await (await api.PostJsonAsync($"/api/v1/participants/{id}/credits", new { cashMinor = 5 })).AssertProblemAsync(422, "reason");
        await (await api.PostJsonAsync("/api/v1/participants/999999/credits", new { points = 5, reason = "x" })).AssertProblemAsync(404);
        var cash = await api.PostJsonAsync($"/api/v1/participants/{id}/credits", new { cashMinor = 1234, reason = "Commission" });
        Assert.Equal("cash", (string?)(await cash.JsonAsync())["currency"]);
    }

    [Fact]
    public async Task UnknownParticipantsAreNotFoundProblems()
    {
        await (await api.GetAsync("/api/v1/participants/424242")).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/v1/participants/not-a-number")).StatusCode);
    }

    [Fact]
    public async Task AHugeBodyIsRefusedBeforeItIsRead()
    {
        var huge = "{\"name\":\"" + new string('x', 600_000) + "\",\"email\":\"h@example.com\"}";
        await (await api.PostRawAsync("/api/v1/participants", huge)).AssertProblemAsync(413);
    }

    public sealed class Fixture : IDisposable
    {
        public PortalFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
