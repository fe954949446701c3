using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>
/// The contexts for the reads before a redemption keep their SQLite connection open, and EF's commands on it run as
/// commands kept prepared: each run binds its own values, a query run again inside its own results gets a command of
/// its own, and a context given back after a failure is not used again.
/// </summary>
public sealed class KeptReadContextsTests : IAsyncDisposable
{
    private readonly SqliteTestDatabase database = new();
    private readonly ServiceProvider services;

    public KeptReadContextsTests() => services = database.CoreServices();

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        database.Dispose();
    }

    [Fact]
    public async Task EachRunOfAKeptQueryReadsItsOwnValues()
    {
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add((await factory.ParticipantAsync(points: 100 + i)).Id);
        var contexts = services.GetRequiredService<KeptReadContexts>();

        for (var round = 0; round < 3; round++)
        {
            var db = await contexts.TakeAsync(CancellationToken.None);
            foreach (var (id, i) in ids.Select((id, i) => (id, i)))
                Assert.Equal(100 + i, (await ParticipantQueries.ById.For(db)(db, id, CancellationToken.None))!.PointsBalance);
            Assert.Null(await ParticipantQueries.ById.For(db)(db, -1, CancellationToken.None));
            await contexts.ReturnAsync(db, failed: false);
        }
    }

    [Fact]
    public async Task AQueryRunAgainInsideItsOwnResultsGetsACommandOfItsOwn()
    {
        var factory = services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>();
        await factory.ParticipantAsync(points: 5);
        await factory.ParticipantAsync(points: 7);
        var contexts = services.GetRequiredService<KeptReadContexts>();
        var db = await contexts.TakeAsync(CancellationToken.None);

        var seen = new List<(long, long)>();
        await foreach (var outer in db.Participants.AsNoTracking().Where(p => p.PointsBalance > 0).AsAsyncEnumerable())
            foreach (var inner in await db.Participants.AsNoTracking().Where(p => p.PointsBalance > 0).ToListAsync())
                seen.Add((outer.Id, inner.Id));

        Assert.Equal(4, seen.Count);
        await contexts.ReturnAsync(db, failed: false);
    }

    [Fact]
    public async Task AContextGivenBackAfterAFailureIsNotTakenAgain()
    {
        var contexts = services.GetRequiredService<KeptReadContexts>();
        var first = await contexts.TakeAsync(CancellationToken.None);
        var firstStatements = PreparedStatements.Of(first.Database.GetDbConnection());
        Assert.NotNull(firstStatements);
        await contexts.ReturnAsync(first, failed: true);

        var next = await contexts.TakeAsync(CancellationToken.None);

        // EF may hand out the same pooled context again: it comes opened afresh, with statements of its own.
        Assert.NotSame(firstStatements, PreparedStatements.Of(next.Database.GetDbConnection()));
        Assert.Equal(System.Data.ConnectionState.Open, next.Database.GetDbConnection().State);
        await contexts.ReturnAsync(next, failed: false);
        Assert.Same(next, await contexts.TakeAsync(CancellationToken.None));
    }
}
