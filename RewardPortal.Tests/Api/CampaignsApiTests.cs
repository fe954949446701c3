using System.Net;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class CampaignsApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public CampaignsApiTests() => api = factory.ApiClient();

    public void Dispose() => factory.Dispose();

    private async Task<long> ParticipantAsync(string name)
    {
        var id = (long)(await (await api.PostJsonAsync("/api/v1/participants", new { name, email = $"{Guid.NewGuid():N}@example.com" })).JsonAsync())["id"]!;
        await api.PostJsonAsync($"/api/v1/participants/{id}/credits", new { points = 1_000, reason = "Test credit" });
        return id;
    }

    [Fact]
    public async Task CampaignsAreCreatedChangedListedAndTakeMembers()
    {
        var created = await api.PostJsonAsync(
            "/api/v1/campaigns",
            new { name = "Spring referral push", description = "March to May", startsAt = "2027-03-01T00:00:00Z", endsAt = "2027-05-31T00:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await created.JsonAsync())["id"]!;
        var ada = await ParticipantAsync("Ada");

        var added = await api.PostJsonAsync($"/api/v1/campaigns/{id}/participants", new { participantIds = new[] { ada, ada } });
        Assert.Equal(1, (int)(await added.JsonAsync())["added"]!);
        Assert.Equal(
            0, (int)(await (await api.PostJsonAsync($"/api/v1/campaigns/{id}/participants", new { participantIds = new[] { ada } })).JsonAsync())["added"]!);
        var patched = await api.PatchAsync($"/api/v1/campaigns/{id}", JsonContent(new { active = false }));
        var patchedJson = await patched.JsonAsync();
        Assert.True(patched.IsSuccessStatusCode, patchedJson.ToJsonString());
        Assert.False((bool)patchedJson["active"]!);

        var listed = (await (await api.GetAsync("/api/v1/campaigns")).JsonAsync()).AsArray().Single()!;
        Assert.Equal("Spring referral push", (string)listed["name"]!);
        Assert.Equal("March to May", (string)listed["description"]!);
        Assert.Equal(1, (int)listed["members"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/campaigns/{id}/participants/{ada}")).StatusCode);
        await (await api.DeleteAsync($"/api/v1/campaigns/{id}/participants/{ada}")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task BadInputIsAProblemNamingTheField()
    {
        await (await api.PostJsonAsync("/api/v1/campaigns", new { name = "" })).AssertProblemAsync(422, "name");
        await (await api.PostJsonAsync(
            "/api/v1/campaigns", new { name = "Late", startsAt = "2027-05-01T00:00:00Z", endsAt = "2027-03-01T00:00:00Z" })).AssertProblemAsync(422, "endsAt");
        var id = (long)(await (await api.PostJsonAsync("/api/v1/campaigns", new { name = "Loyalty" })).JsonAsync())["id"]!;
        await (await api.PostJsonAsync("/api/v1/campaigns", new { name = "Loyalty" })).AssertProblemAsync(422, "name");
        await (await api.PostJsonAsync(
            $"/api/v1/campaigns/{id}/participants", new { participantIds = new[] { 987_654 } })).AssertProblemAsync(422, "participantIds");
        await (await api.PostJsonAsync($"/api/v1/campaigns/{id}/participants", new { })).AssertProblemAsync(422, "participantIds");
        await (await api.PostJsonAsync(
            "/api/v1/rewards", new { name = "Hoodie", type = "custom", costCurrency = "points", cost = 10, campaignIds = new[] { 987_654 } }))
            .AssertProblemAsync(422, "campaignIds");
        await (await api.PostJsonAsync(
            "/api/v1/webhooks", new { name = "Hook", url = "https://example.com/hook", events = new[] { "participant.created" }, campaignIds = new[] { id } }))
            .AssertProblemAsync(422, "campaignIds");
        await (await api.PostJsonAsync("/api/v1/campaigns/987654/participants", new { participantIds = new[] { 1 } })).AssertProblemAsync(404);
    }

    [Fact]
    public async Task ARewardLimitedToACampaignIsRefusedToAParticipantOutsideIt()
    {
        var campaign = (long)(await (await api.PostJsonAsync("/api/v1/campaigns", new { name = "Spring" })).JsonAsync())["id"]!;
        var reward = await api.PostJsonAsync(
            "/api/v1/rewards", new { name = "Spring hoodie", type = "custom", costCurrency = "points", cost = 100, campaignIds = new[] { campaign } });
        var rewardJson = await reward.JsonAsync();
        Assert.Equal(campaign, (long)rewardJson["campaignIds"]![0]!);
        var rewardId = (long)rewardJson["id"]!;
        var member = await ParticipantAsync("Member");
        var outsider = await ParticipantAsync("Outsider");
        await api.PostJsonAsync($"/api/v1/campaigns/{campaign}/participants", new { participantIds = new[] { member } });

        var refused = await (await api.PostJsonAsync("/api/v1/redemptions", new { participantId = outsider, rewardId })).AssertProblemAsync(409);
        Assert.Equal("reward_restricted", (string)refused["code"]!);
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/redemptions", new { participantId = member, rewardId })).StatusCode);
        var cleared = await api.PatchAsync($"/api/v1/rewards/{rewardId}", JsonContent(new { campaignIds = Array.Empty<long>() }));
        Assert.Empty((await cleared.JsonAsync())["campaignIds"]!.AsArray());
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/redemptions", new { participantId = outsider, rewardId })).StatusCode);
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);
}
