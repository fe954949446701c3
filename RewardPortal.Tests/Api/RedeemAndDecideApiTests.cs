using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class RedeemAndDecideApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public RedeemAndDecideApiTests() => api = factory.ApiClient();

    private async Task<(long Participant, long Reward)> SceneAsync(long points = 1_000, long cost = 100)
    {
        var participant = (long)(await (await api.PostJsonAsync(
            "/api/v1/participants", new { name = "Api Person", email = $"{Guid.NewGuid():N}@example.com" })).JsonAsync())["id"]!;
        if (points > 0)
            await api.PostJsonAsync($"/api/v1/participants/{participant}/credits", new { points, reason = "Test credit" });
        var reward = (long)(await (await api.PostJsonAsync(
            "/api/v1/rewards", new { name = "Api hoodie", type = "custom", costCurrency = "points", cost, stock = 10 })).JsonAsync())["id"]!;
        return (participant, reward);
    }

    private Task<HttpResponseMessage> RedeemAsync(long participant, long reward, string? key) => RedeemAsync(api, participant, reward, key);

    private static async Task<HttpResponseMessage> RedeemAsync(HttpClient api, long participant, long reward, string? key)
    {
        var request = new HttpRequestMessage(
            HttpMethod.Post, "/api/v1/redemptions") { Content = JsonContent.Create(new { participantId = participant, rewardId = reward }) };
        if (key is not null)
            request.Headers.Add("Idempotency-Key", key);
        return await api.SendAsync(request);
    }

    [Fact]
    public async Task RetryingWithTheSameIdempotencyKeyAnswersTheFirstResultAndChargesOnce()
    {
        var (participant, reward) = await SceneAsync();

        var first = await RedeemAsync(participant, reward, "order-77");
        var retry = await RedeemAsync(participant, reward, "order-77");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal((long)(await first.JsonAsync())["redemption"]!["id"]!, (long)(await retry.JsonAsync())["redemption"]!["id"]!);
        Assert.Equal(900, (long)(await (await api.GetAsync($"/api/v1/participants/{participant}")).JsonAsync())["pointsBalance"]!);

        var (_, otherReward) = await SceneAsync();
        var misuse = await RedeemAsync(participant, otherReward, "order-77");
        var problem = await misuse.AssertProblemAsync(422, "idempotencyKey");
        Assert.Equal("idempotency_key_reused", (string?)problem["code"]);
    }

    [Fact]
    public async Task AnIdempotencyKeyIsTheApiKeysOwnAndNamesOneRequestWhateverTheParticipant()
    {
        var (first, reward) = await SceneAsync();
        var (second, _) = await SceneAsync();
        Assert.Equal(HttpStatusCode.Created, (await RedeemAsync(first, reward, "order-88")).StatusCode);

        var otherParticipant = await RedeemAsync(second, reward, "order-88");

        var problem = await otherParticipant.AssertProblemAsync(422, "idempotencyKey");
        Assert.Equal("idempotency_key_reused", (string?)problem["code"]);
        Assert.Equal(1000, (long)(await (await api.GetAsync($"/api/v1/participants/{second}")).JsonAsync())["pointsBalance"]!);

        // Another API key has keys of its own: the same key is a new request for it, and a retry replays it.
        await using (var db = await factory.CreateDbContextAsync())
        {
            var ownerId = db.Users.Single(u => u.Email == PortalFactory.OwnerEmail).Id;
            var otherKey = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync("Second system", ownerId, "test");
            var other = factory.ApiClient(otherKey.Secret);
            Assert.Equal(HttpStatusCode.Created, (await RedeemAsync(other, second, reward, "order-88")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(other, second, reward, "order-88")).StatusCode);
        }
        Assert.Equal(900, (long)(await (await api.GetAsync($"/api/v1/participants/{first}")).JsonAsync())["pointsBalance"]!);
        Assert.Equal(900, (long)(await (await api.GetAsync($"/api/v1/participants/{second}")).JsonAsync())["pointsBalance"]!);
    }

    [Fact]
    public async Task RefusingRefundsAndASecondDecisionIsAConflict()
    {
        var (participant, reward) = await SceneAsync();
        var id = (long)(await (await RedeemAsync(participant, reward, null)).JsonAsync())["redemption"]!["id"]!;

        await (await api.PostJsonAsync($"/api/v1/redemptions/{id}/refuse", new { message = "  " })).AssertProblemAsync(422, "message");
        await (await api.PostJsonAsync($"/api/v1/redemptions/{id}/refuse", new { })).AssertProblemAsync(422, "message");

        var refused = await api.PostJsonAsync($"/api/v1/redemptions/{id}/refuse", new { message = "Out of hoodies, sorry" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var body = await refused.JsonAsync();
        Assert.Equal("refused", (string?)body["redemption"]!["status"]);
        Assert.Equal("Out of hoodies, sorry", (string?)body["redemption"]!["message"]);
        Assert.Equal(1_000, (long)body["participant"]!["pointsBalance"]!);

        var again = await api.PostJsonAsync($"/api/v1/redemptions/{id}/fulfill", new { message = "late" });
        Assert.Equal("already_decided", (string?)(await again.AssertProblemAsync(409))["code"]);
        await (await api.PostJsonAsync("/api/v1/redemptions/123456/fulfill", new { })).AssertProblemAsync(404);
    }

    [Fact]
    public async Task RedemptionsTheParticipantCannotAffordAreConflictsThatSayWhy()
    {
        var (participant, reward) = await SceneAsync(points: 50);

        var problem = await (await RedeemAsync(participant, reward, null)).AssertProblemAsync(409);

        Assert.Equal("insufficient_balance", (string?)problem["code"]);
        Assert.Contains("Not enough points", (string?)problem["detail"]);
        await (await api.PostRawAsync("/api/v1/redemptions", """{"participantId":"abc","rewardId":1}""")).AssertProblemAsync(422, "participantId");
        await (await api.PostRawAsync("/api/v1/redemptions", """{"rewardId":1}""")).AssertProblemAsync(422, "participantId");
    }

    [Fact]
    public async Task RewardsArePatchedFieldByFieldAndVoucherCodesAdded()
    {
        var created = await (await api.PostJsonAsync("/api/v1/rewards", new
        {
            name = "Coffee", type = "voucher_code", costCurrency = "points", cost = 20, metadata = new Dictionary<string, string> { ["partner"] = "Bean" },
        })).JsonAsync();
        var id = (long)created["id"]!;
        Assert.Null(created["stock"]);

        var patched = await (await api.SendAsync(
            new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/rewards/{id}") { Content = JsonContent.Create(new { cost = 25 }) })).JsonAsync();
        Assert.Equal(25, (long)patched["cost"]!);
        Assert.Equal("Bean", (string?)patched["metadata"]!["partner"]);

        var import = await (await api.PostJsonAsync(
            $"/api/v1/rewards/{id}/voucher-codes", new { codes = new[] { "A-1", "A-2", "A-1", " ", "A-3" } })).JsonAsync();
        Assert.Equal(3, (int)import["added"]!);
        Assert.Equal(1, (int)import["duplicates"]!);
        Assert.Equal(1, (int)import["blanks"]!);
        var listed = (await (await api.GetAsync("/api/v1/rewards")).JsonAsync()).AsArray().Single(r => (long)r!["id"]! == id)!;
        Assert.Equal(3, (long)listed["voucherCodesAvailable"]!);

        await (await api.SendAsync(
            new HttpRequestMessage(
                HttpMethod.Patch, $"/api/v1/rewards/{id}") { Content = JsonContent.Create(new { type = 7 }) })).AssertProblemAsync(422, "type");
        await (await api.SendAsync(
            new HttpRequestMessage(
                HttpMethod.Patch, $"/api/v1/rewards/{id}") { Content = JsonContent.Create(new { colour = "red" }) })).AssertProblemAsync(422, "colour");
        await (await api.SendAsync(
            new HttpRequestMessage(HttpMethod.Patch, "/api/v1/rewards/99999") { Content = JsonContent.Create(new { cost = 1 }) })).AssertProblemAsync(404);
    }

    public void Dispose() => factory.Dispose();
}
