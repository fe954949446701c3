using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>Group commit on SQLite: many transactions share a commit, and each still stands or falls alone.</summary>
public sealed class WriteTransactionsTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase database = new();
    private readonly WriteTransactions transactions;

    public WriteTransactionsTests() => transactions = new WriteTransactions(database, new SqliteWriteGate());

    public async ValueTask DisposeAsync()
    {
        await transactions.DisposeAsync();
        database.Dispose();
    }

    private Task<int> AuditAsync(string action, bool fail = false) => transactions.RunAsync(async (db, ct) =>
    {
        db.Audit("test", action, "Probe", null);
        await db.SaveChangesAsync(ct);
        if (fail)
            throw new InvalidOperationException($"{action} refused");
        return 1;
    }, CancellationToken.None);

    private async Task<List<string>> ActionsAsync()
    {
        await using var db = database.CreateDbContext();
        return await db.AuditEntries.Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task HundredsAtOnceAllCommit()
    {
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => AuditAsync($"probe.{i}"))));

        Assert.Equal(300, (await ActionsAsync()).Distinct().Count());
    }

    [Fact]
    public async Task OneThatFailsRollsBackAloneAndItsCallerGetsTheReason()
    {
        var calls = Enumerable.Range(0, 60).Select(i => Task.Run(() => AuditAsync($"probe.{i}", fail: i % 3 == 0))).ToList();

        var outcomes = await Task.WhenAll(calls.Select(async c => { try { await c; return null; } catch (InvalidOperationException e) { return e.Message; } }));

        Assert.Equal(20, outcomes.Count(o => o is not null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.EndsWith("refused", o));
        var written = await ActionsAsync();
        Assert.Equal(40, written.Count);
        Assert.DoesNotContain(written, a => int.Parse(a["probe.".Length..]) % 3 == 0);
    }

    [Fact]
    public async Task ThePiecesSavepointJournalsAreKeptInMemoryNotInATemporaryFile()
    {
        var tempStore = await transactions.RunAsync((db, ct) =>
            db.Database.SqlQueryRaw<long>("SELECT temp_store AS \"Value\" FROM pragma_temp_store()").SingleAsync(ct), CancellationToken.None);

        Assert.Equal(2, tempStore); // MEMORY
    }

    [Fact]
    public async Task TheWritersWalCheckpointsRunBesideItNotInItsCommits()
    {
        // About 1,500 pages into the WAL, past SQLite's thousand-page checkpoint.
        var detail = new string('x', 8_000);
        await Task.WhenAll(Enumerable.Range(0, 750).Select(i => Task.Run(() => transactions.RunAsync(async (db, ct) =>
        {
            db.Audit("test", $"probe.{i}", "Probe", null, detail);
            return await db.SaveChangesAsync(ct);
        }, CancellationToken.None))));

        // Generous: early in a full run, with every test class starting at once, the checkpoint's task once waited past 20 s.
        await Wait.UntilAsync(() => Task.FromResult(transactions.CheckpointsBeside > 0), TimeSpan.FromSeconds(60), "a checkpoint beside the writer");
        Assert.Equal(750, (await ActionsAsync()).Count);
    }

    [Fact]
    public async Task WhatACallerReadsInsideSeesWhatEarlierPiecesOfTheSameBatchWrote()
    {
        // A piece reads through its own context on the shared connection: the rows of earlier, not yet committed pieces count.
        var counts = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => transactions.RunAsync(async (db, ct) =>
        {
            var before = await db.AuditEntries.CountAsync(ct);
            db.Audit("test", "probe", "Probe", null);
            await db.SaveChangesAsync(ct);
            return before;
        }))));

        Assert.Equal(Enumerable.Range(0, 40), counts.Order());
    }

    [Fact]
    public async Task APieceThatFailsIsToldOnlyOnceTheRestOfItsBatchIsCommitted()
    {
        // A first piece holds the writer, so that the next two wait and run in one batch.
        var (running, release) = (new TaskCompletionSource(), new TaskCompletionSource());
        var holder = transactions.RunAsync(async (_, _) =>
        {
            running.SetResult();
            await release.Task;
            return 0;
        });
        await running.Task;
        var first = AuditAsync("probe.first");
        var second = AuditAsync("probe.second", fail: true);
        release.SetResult();

        // What the failed one lost to (an idempotency key's first use, say) is there to be read when it hears.
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal(["probe.first"], await ActionsAsync());
        await Task.WhenAll(holder, first);
    }

    [Fact]
    public async Task ACancelledCallerWritesNothing()
    {
        await AuditAsync("before");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transactions.RunAsync(async (db, ct) =>
        {
            db.Audit("test", "cancelled", "Probe", null);
            await db.SaveChangesAsync(ct);
            return 1;
        }, cancelled.Token));

        Assert.Equal(["before"], await ActionsAsync());
    }
}
