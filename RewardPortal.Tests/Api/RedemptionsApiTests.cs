using System.Text.Json.Nodes;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

[Collection(HostedAppCollection.Name)]
public sealed class RedemptionsApiTests : IDisposable
{
    private readonly PortalFactory factory = new();
    private readonly HttpClient api;

    public RedemptionsApiTests() => api = factory.ApiClient();

    [Fact]
    public async Task PagingThroughAThousandRedemptionsWhileNewOnesAreWrittenSkipsAndRepeatsNone()
    {
        await using var db = await factory.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        db.Redemptions.AddRange(Enumerable.Range(0, 1000).Select(_ => TestData.Redemption(participant, reward)));
        await db.SaveChangesAsync();

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            await using var writerDb = await factory.CreateDbContextAsync();
            var written = 0;
            while (!stop.IsCancellationRequested && written < 2000)
            {
                writerDb.Redemptions.Add(TestData.Redemption(participant, reward));
                await writerDb.SaveChangesAsync();
                written++;
            }
        });

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await api.GetAsync($"/api/v1/redemptions?status=requested&limit=37{(cursor is null ? "" : "&after=" + cursor)}")).JsonAsync();
            seen.AddRange(page["data"]!.AsArray().Select(r => (long)r!["redemption"]!["id"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null && seen.Count < 1000);
        await stop.CancelAsync();
        await writer;

        Assert.True(seen.Count >= 1000);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.OrderBy(id => id), seen);
        Assert.Equal(Enumerable.Range((int)seen[0], seen.Count).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task ARedemptionReadsWithItsParticipantAndRewardSnapshot()
    {
        await using var db = await factory.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        var redemption = TestData.Redemption(participant, reward);
        db.Redemptions.Add(redemption);
        await db.SaveChangesAsync();

        var body = await (await api.GetAsync($"/api/v1/redemptions/{redemption.Id}")).JsonAsync();

        Assert.Equal("requested", (string?)body["redemption"]!["status"]);
        Assert.Equal(participant.Email, (string?)body["participant"]!["email"]);
        Assert.Equal("X-1", (string?)body["reward"]!["metadata"]!["sku"]);
        Assert.Equal("custom", (string?)body["reward"]!["type"]);
    }

    [Theory]
    [InlineData("/api/v1/redemptions?after=bm90LWEtY3Vyc29y", 422, "after")]
    [InlineData("/api/v1/redemptions?after=%%%", 422, "after")]
    [InlineData("/api/v1/redemptions?status=lost", 422, "status")]
    [InlineData("/api/v1/redemptions?status=1", 422, "status")]
    [InlineData("/api/v1/redemptions?limit=0", 422, "limit")]
    [InlineData("/api/v1/redemptions?limit=100000", 422, "limit")]
    [InlineData("/api/v1/redemptions/987654", 404, null)]
    [InlineData("/api/v1/deliveries?status=sideways", 422, "status")]
    public async Task BadQueriesAreProblemsNamingTheField(string path, int status, string? field)
    {
        await (await api.GetAsync(path)).AssertProblemAsync(status, field);
    }

    [Fact]
    public async Task FiltersByStatusAndRewardType()
    {
        await using var db = await factory.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        db.Redemptions.AddRange(TestData.Redemption(participant, reward, RedemptionStatus.Fulfilled), TestData.Redemption(participant, reward));
        await db.SaveChangesAsync();

        var fulfilled = (await (await api.GetAsync("/api/v1/redemptions?status=fulfilled")).JsonAsync())["data"]!.AsArray();
        var vouchers = (await (await api.GetAsync("/api/v1/redemptions?rewardType=voucher_code")).JsonAsync())["data"]!.AsArray();

        Assert.All(fulfilled, r => Assert.Equal("fulfilled", (string?)r!["redemption"]!["status"]));
        Assert.Single(fulfilled);
        Assert.Empty(vouchers);
    }

    public void Dispose() => factory.Dispose();
}
