using System.Net;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class RedemptionExportApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public RedemptionExportApiTests() => api = factory.ApiClient();

    private async Task SeedAsync(int requested, int fulfilled, DateTime? createdAt = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        participant.CustomFields = new() { ["size"] = "XL" };
        foreach (var status in Enumerable.Repeat(RedemptionStatus.Requested, requested).Concat(Enumerable.Repeat(RedemptionStatus.Fulfilled, fulfilled)))
        {
            var redemption = TestData.Redemption(participant, reward, status);
            redemption.CreatedAt = createdAt ?? redemption.CreatedAt;
            db.Redemptions.Add(redemption);
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task TheExportIsACsvDownloadOfWhatTheFiltersMatch()
    {
        await SeedAsync(requested: 2, fulfilled: 3);
        await SeedAsync(requested: 0, fulfilled: 1, createdAt: new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc));

        var response = await api.GetAsync("/api/v1/redemptions/export?status=fulfilled&rewardType=custom&from=2026-02-01");
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').TrimEnd().Split("\r\n");
        var january = await api.GetStringAsync("/api/v1/redemptions/export?from=2026-01-01&to=2026-02-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("redemptions-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("Redemption,Status,Requested at,", lines[0]);
        Assert.Contains("Custom: size", lines[0]);
        Assert.Contains("Metadata: sku", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.Contains(",Fulfilled,", line));
        Assert.Equal(2, january.TrimEnd().Split("\r\n").Length);
    }

    [Fact]
    public async Task TheFirstRowsArriveBeforeTheLastIsRead()
    {
        await SeedAsync(requested: 5000, fulfilled: 0);

        using var response = await api.GetAsync("/api/v1/redemptions/export?order=newest", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var header = await reader.ReadLineAsync();
        var first = await reader.ReadLineAsync();

        Assert.Null(response.Content.Headers.ContentLength);
        Assert.StartsWith("Redemption,", header);
        await using var db = await factory.CreateDbContextAsync();
        Assert.StartsWith($"{await db.Redemptions.MaxAsync(r => r.Id)},Requested,", first);
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("rewardType=pony", "rewardType")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-40", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "to")]
    [InlineData("order=sideways", "order")]
    public async Task BadFiltersAreProblemsNamingTheField(string query, string field)
    {
        await (await api.GetAsync($"/api/v1/redemptions/export?{query}")).AssertProblemAsync(422, field);
    }

    [Fact]
    public async Task WithoutAKeyTheApiExportAnswers401()
    {
        var response = await factory.ApiClient(key: null).GetAsync("/api/v1/redemptions/export");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignedInStaffDownloadTheQueueExportAndParticipantsCannot()
    {
        await SeedAsync(requested: 1, fulfilled: 1);
        await factory.CreateUserAsync("team@test.local", Roles.TeamMember);
        await factory.CreateUserAsync("pat@test.local", Roles.Participant);
        var team = await factory.ClientForAsync("team@test.local", TestUsers.Password);
        var participant = await factory.ClientForAsync("pat@test.local", TestUsers.Password);
        var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });

        var download = await team.GetAsync("/admin/redemptions/export.csv?status=requested&order=newest");
        var refused = await participant.GetAsync("/admin/redemptions/export.csv");
        var stranger = await anonymous.GetAsync("/admin/redemptions/export.csv");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(2, (await download.Content.ReadAsStringAsync()).TrimEnd().Split("\r\n").Length);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/access-denied", refused.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, stranger.StatusCode);
        Assert.Contains("/account/login", stranger.Headers.Location?.OriginalString);
    }

    public void Dispose() => factory.Dispose();
}
