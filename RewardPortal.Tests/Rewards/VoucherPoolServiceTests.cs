using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RewardPortal.Tests.Rewards;

public sealed class VoucherPoolServiceTests(ITestOutputHelper output) : IDisposable
{
    private const string Actor = "admin@test.local";
    private readonly SqliteTestDatabase database = new();
    private VoucherPoolService Pool => new(database, TimeProvider.System);

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task AnImportCountsDuplicatesBlanksAndOverlongCodesAndAddsTheRest()
    {
        var reward = await AddRewardAsync();
        string?[] codes = ["A-1", "A-2", "  A-3  ", "", "   ", null, "A-1", new string('x', 201), new string('y', 200)];

        var result = await Pool.ImportAsync(reward.Id, codes, Actor);

        Assert.Equal(new VoucherImportResult(Added: 4, Duplicates: 1, Blanks: 3, TooLong: 1), result);
        await using var db = database.CreateDbContext();
        Assert.Equal(["A-1", "A-2", "A-3", new string('y', 200)], await db.VoucherCodes.OrderBy(v => v.Id).Select(v => v.Code).ToListAsync());
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal("voucher_codes.imported", audit.Action);
        Assert.Contains("4 added, 1 duplicates, 3 blank, 1 too long", audit.Details);
    }

    [Fact]
    public async Task ReimportingCountsCodesThePoolAlreadyHasAsDuplicates()
    {
        var reward = await AddRewardAsync();
        await Pool.ImportAsync(reward.Id, ["A-1", "A-2"], Actor);

        var result = await Pool.ImportAsync(reward.Id, ["A-2", "A-3", "a-3"], Actor);

        Assert.Equal(new VoucherImportResult(2, 1, 0, 0), result);
        Assert.Equal(new VoucherCounts(4, 0), await Pool.CountsAsync(reward.Id));
    }

    [Fact]
    public async Task TwoImportsAtOnceNeverAddTheSameCodeTwice()
    {
        var reward = await AddRewardAsync();
        var shared = Enumerable.Range(0, 3_000).Select(i => $"SHARED-{i}").ToList();
        var first = shared.Concat(Enumerable.Range(0, 500).Select(i => $"FIRST-{i}")).ToList();
        var second = Enumerable.Reverse(shared).Concat(Enumerable.Range(0, 700).Select(i => $"SECOND-{i}")).ToList();

        var results = await Task.WhenAll(
            Task.Run(() => Pool.ImportAsync(reward.Id, first, Actor)),
            Task.Run(() => Pool.ImportAsync(reward.Id, second, Actor)));

        Assert.Equal(3_000 + 500 + 700, results.Sum(r => r.Added));
        Assert.Equal(3_000, results.Sum(r => r.Duplicates));
        await using var db = database.CreateDbContext();
        Assert.Equal(4_200, await db.VoucherCodes.CountAsync());
        Assert.Equal(4_200, await db.VoucherCodes.Select(v => v.Code).Distinct().CountAsync());
    }

    [Fact]
    public async Task AHundredThousandCodesGoInAndALargerImportAddsNothing()
    {
        var reward = await AddRewardAsync();
        var codes = Enumerable.Range(0, VoucherPoolService.MaxCodesPerImport).Select(i => $"BULK-{i:D6}").ToList();

        var clock = Stopwatch.StartNew();
        var result = await Pool.ImportAsync(reward.Id, codes, Actor);
        output.WriteLine($"Imported {result.Added:N0} codes in {clock.ElapsedMilliseconds} ms");

        Assert.Equal(100_000, result.Added);
        var tooMany = await Assert.ThrowsAsync<PortalException>(() => Pool.ImportAsync(reward.Id, codes.Append("ONE-MORE").Prepend("FIRST"), Actor));
        Assert.Equal("codes", tooMany.Field);
        Assert.Equal(new VoucherCounts(100_000, 0), await Pool.CountsAsync(reward.Id));
    }

    [Fact]
    public async Task UsedCodesCannotBeRemovedButUnusedOnesCan()
    {
        var reward = await AddRewardAsync();
        await Pool.ImportAsync(reward.Id, ["USED", "FREE", "FREE-2"], Actor);
        var ids = await MarkUsedAsync(reward.Id, "USED");

        var refused = await Assert.ThrowsAsync<PortalException>(() => Pool.RemoveAsync(reward.Id, ids["USED"], Actor));
        await Pool.RemoveAsync(reward.Id, ids["FREE"], Actor);
        var removed = await Pool.RemoveUnusedAsync(reward.Id, Actor);

        Assert.Equal(PortalErrorKind.Conflict, refused.Kind);
        Assert.Equal(1, removed);
        Assert.Equal(new VoucherCounts(0, 1), await Pool.CountsAsync(reward.Id));
        var page = await Pool.PageAsync(reward.Id, null, 0, 10);
        Assert.True(Assert.Single(page.Items).Used);
        var missing = await Assert.ThrowsAsync<PortalException>(() => Pool.RemoveAsync(reward.Id, ids["FREE"], Actor));
        Assert.Equal(PortalErrorKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task OnlyVoucherRewardsHaveAPool()
    {
        var reward = await AddRewardAsync(RewardType.GiftCard);

        var error = await Assert.ThrowsAsync<PortalException>(() => Pool.ImportAsync(reward.Id, ["A"], Actor));

        Assert.Equal("type", error.Field);
    }

    [Fact]
    public async Task ThePoolPagesNewestFirstAndSearchesByTheStartOfACode()
    {
        var reward = await AddRewardAsync();
        await Pool.ImportAsync(reward.Id, Enumerable.Range(0, 30).Select(i => $"C-{i:D2}"), Actor);

        var first = await Pool.PageAsync(reward.Id, null, 0, 10);
        var found = await Pool.PageAsync(reward.Id, "C-1", 0, 10);

        Assert.Equal((30, "C-29"), (first.Total, first.Items[0].Code));
        Assert.Equal(10, found.Total);
        Assert.All(found.Items, c => Assert.StartsWith("C-1", c.Code));
    }

    [Fact]
    public async Task ACsvGivesItsFirstColumnSkipsACodeHeaderAndKeepsBlankRowsAsBlanks()
    {
        var csv = new MemoryStream(Encoding.UTF8.GetBytes("code,note\nA-1,first\n\nA-2,second\n\"A-3\",third\n"));

        var codes = await VoucherCodeInput.FromCsvAsync(csv);
        var pasted = VoucherCodeInput.FromText("B-1\r\nB-2\n\nB-3\r\n").ToList();

        Assert.Equal(["A-1", "", "A-2", "A-3"], codes);
        Assert.Equal(["B-1", "B-2", "", "B-3"], pasted);
    }

    private async Task<Reward> AddRewardAsync(RewardType type = RewardType.VoucherCode)
    {
        await using var db = database.CreateDbContext();
        var reward = new Reward { Name = "Coffee", Type = type, Cost = 10, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        return reward;
    }

    /// <summary>Claims a code as a redemption would (the redemption service is not this test's subject).</summary>
    private async Task<Dictionary<string, long>> MarkUsedAsync(long rewardId, string code)
    {
        await using var db = database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
        await db.VoucherCodes.Where(v => v.RewardId == rewardId && v.Code == code)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.RedemptionId, 4242).SetProperty(v => v.ClaimedAt, DateTime.UtcNow));
        return await db.VoucherCodes.ToDictionaryAsync(v => v.Code, v => v.Id);
    }
}
