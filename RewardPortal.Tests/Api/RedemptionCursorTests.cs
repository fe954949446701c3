using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Api;

/// <summary>
/// On PostgreSQL a redemption can commit after one with a larger id. A poller of GET /api/v1/redemptions still sees
/// every row exactly once: the page ends before what may yet commit below it.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class RedemptionCursorTests : IAsyncLifetime
{
    private PortalFactory web = null!;
    private HttpClient api = null!;
    private string? cursor;

    public Task InitializeAsync()
    {
        if (PostgresServer.Wanted)
        {
            web = new PortalFactory(new()
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:RewardPortal"] = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString,
                ["Node:Role"] = "Web",
                ["Api:RequestsPerMinute"] = "100000",
            });
            api = web.ApiClient();
        }
        return Task.CompletedTask;
    }

    /// <summary>Pages until the end, as a poller does on each round, and carries the cursor on to the next round.</summary>
    private async Task<List<long>> PollAsync()
    {
        var seen = new List<long>();
        while (true)
        {
            var page = await (await api.GetAsync($"/api/v1/redemptions?limit=7{(cursor is null ? "" : "&after=" + cursor)}")).JsonAsync();
            seen.AddRange(page["data"]!.AsArray().Select(r => (long)r!["redemption"]!["id"]!));
            cursor = (string?)page["nextCursor"] ?? cursor;
            if (page["hasMore"]!.GetValue<bool>() is false)
                return seen;
        }
    }

    [PostgresFact]
    public async Task ARedemptionCommittedAfterALargerIdIsSeenOnceLater()
    {
        await using var setup = await web.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(setup);

        await using var slow = await web.CreateDbContextAsync();
        await using var slowTransaction = await slow.Database.BeginTransactionAsync();
        var late = TestData.Redemption(participant, reward);
        slow.Redemptions.Add(late);
        await slow.SaveChangesAsync();
        await using var fast = await web.CreateDbContextAsync();
        var early = TestData.Redemption(participant, reward);
        fast.Redemptions.Add(early);
        await fast.SaveChangesAsync();
        Assert.True(early.Id > late.Id);

        var before = await PollAsync();
        await slowTransaction.CommitAsync();
        var after = await PollAsync();

        Assert.Empty(before.Intersect(after));
        Assert.Equal([late.Id, early.Id], before.Concat(after).Order());
    }

    [PostgresFact]
    public async Task APollerBesideConcurrentWritersSeesEveryRowExactlyOnce()
    {
        await using var setup = await web.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(setup);
        var written = new System.Collections.Concurrent.ConcurrentBag<long>();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 25; i++)
            {
                await using var db = await web.CreateDbContextAsync();
                await using var transaction = await db.Database.BeginTransactionAsync();
                var redemption = TestData.Redemption(participant, reward);
                db.Redemptions.Add(redemption);
                await db.SaveChangesAsync();
                // Held open a while after taking its id, so that later ids commit first.
                await Task.Delay(random.Next(0, 40));
                await transaction.CommitAsync();
                written.Add(redemption.Id);
            }
        })).ToList();

        var seen = new List<long>();
        var all = Task.WhenAll(writers);
        while (!all.IsCompleted)
        {
            seen.AddRange(await PollAsync());
            await Task.Delay(10);
        }
        await all;
        seen.AddRange(await PollAsync());

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(written.Order(), seen.Order());
    }

    [PostgresFact]
    public async Task ACursorFromBeforeTheCommitOrderStillWorks()
    {
        await using var db = await web.CreateDbContextAsync();
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        var first = TestData.Redemption(participant, reward);
        db.Redemptions.Add(first);
        await db.SaveChangesAsync();
        var second = TestData.Redemption(participant, reward);
        db.Redemptions.Add(second);
        await db.SaveChangesAsync();

        cursor = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"id:{first.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal([second.Id], await PollAsync());
    }

    public async Task DisposeAsync()
    {
        api?.Dispose();
        if (web is not null)
            await web.DisposeAsync();
    }
}
