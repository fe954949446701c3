using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RewardPortal.Tests.Participants;

/// <summary>The participants table at 100,000 rows: every query it sends is answered from an index, never a full scan or sort.</summary>
public sealed class ParticipantQueriesTests(ParticipantQueriesTests.HundredThousandParticipants data, ITestOutputHelper output)
    : IClassFixture<ParticipantQueriesTests.HundredThousandParticipants>
{
    private ParticipantQueries Queries => new(data);

    public static TheoryData<ParticipantSort, bool> Sorts()
    {
        var sorts = new TheoryData<ParticipantSort, bool>();
        foreach (var sort in Enum.GetValues<ParticipantSort>())
        {
            sorts.Add(sort, false);
            sorts.Add(sort, true);
        }
        return sorts;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task EverySortReadsAPageFromAnIndex(ParticipantSort sort, bool descending)
    {
        var commands = await data.CaptureAsync(
            () => Queries.PageAsync(new ParticipantListQuery(Sort: sort, Descending: descending, Page: 1_000, PageSize: 25)));

        foreach (var plan in await data.PlansAsync(commands))
        {
            output.WriteLine(plan);
            Assert.DoesNotContain("TEMP B-TREE", plan);
            // Joined is rowid order: a bare SCAN walks the table's own b-tree in that order, as an index scan would.
            if (sort != ParticipantSort.Joined)
                Assert.DoesNotMatch(@"SCAN p(?! USING)", plan);
        }
    }

    [Theory]
    [InlineData("person 4242")]
    [InlineData("PERSON4242@")]
    [InlineData("Ada")]
    public async Task SearchingByNameOrEmailUsesTheIndexes(string search)
    {
        var commands = await data.CaptureAsync(() => Queries.PageAsync(new ParticipantListQuery(Search: search)));

        foreach (var plan in await data.PlansAsync(commands))
        {
            output.WriteLine(plan);
            Assert.DoesNotMatch(@"SCAN p(?! USING)", plan);
            Assert.Contains("IX_Participants_Name", plan);
            Assert.Contains("IX_Participants_Email", plan);
        }
    }

    [Fact]
    public async Task APageLoadsFromTheMiddleAndTheEndOfAHundredThousand()
    {
        var clock = Stopwatch.StartNew();
        var everyone = await Queries.PageAsync(new ParticipantListQuery(Search: "person"));
        output.WriteLine($"A search matching all {everyone.Total:N0} in {clock.ElapsedMilliseconds} ms");
        clock.Restart();
        var middle = await Queries.PageAsync(new ParticipantListQuery(Sort: ParticipantSort.Points, Descending: true, Page: 2_000, PageSize: 25));
        var last = await Queries.PageAsync(new ParticipantListQuery(Sort: ParticipantSort.Joined, Page: 3_999, PageSize: 25));
        output.WriteLine($"Two pages in {clock.ElapsedMilliseconds} ms");

        Assert.Equal((HundredThousandParticipants.Count, 25), (middle.Total, middle.Items.Count));
        Assert.True(middle.Items.Zip(middle.Items.Skip(1)).All(pair => pair.First.PointsBalance >= pair.Second.PointsBalance));
        Assert.Equal("person100000@example.com", last.Items[^1].Email);
    }

    [Fact]
    public async Task SearchMatchesTheStartOfANameOrAnEmailIgnoringCase()
    {
        var byName = await Queries.PageAsync(new ParticipantListQuery(Search: "PERSON 4242"));
        var byEmail = await Queries.PageAsync(new ParticipantListQuery(Search: "person4242@"));
        var none = await Queries.PageAsync(new ParticipantListQuery(Search: "4242"));
        var wildcard = await Queries.PageAsync(new ParticipantListQuery(Search: "%"));

        Assert.Equal(["Person 4242", "Person 42420", "Person 42421"], byName.Items.Take(3).Select(p => p.Name));
        Assert.Equal(11, byName.Total);
        Assert.Equal("person4242@example.com", Assert.Single(byEmail.Items).Email);
        Assert.Equal((0, 0), (none.Total, wildcard.Total));
    }

    /// <summary>One migrated SQLite file with 100,000 participants, written in one INSERT; it records the commands EF sends.</summary>
    public sealed class HundredThousandParticipants : IDbContextFactory<RewardPortalDbContext>, IAsyncLifetime
    {
        public const int Count = 100_000;
        private readonly TempDirectory directory = new();
        private readonly CommandCapture capture = new();
        private readonly DbContextOptions<SqliteRewardPortalDbContext> options;

        public HundredThousandParticipants() => options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>()
            .UseSqlite($"Data Source={directory.File("participants.db")}").AddInterceptors(capture).Options;

        public RewardPortalDbContext CreateDbContext() => new SqliteRewardPortalDbContext(options);

        public async Task InitializeAsync()
        {
            await using var db = CreateDbContext();
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Count})
                INSERT INTO Participants (Name, Email, CustomFields, PointsBalance, CashBalanceMinor, IsSuspended, CreatedAt)
                SELECT 'Person ' || i, 'person' || i || '@example.com', json_object(), (i * 7919) % 50000, (i * 104729) % 100000, 0, '2026-01-01 00:00:00'
                FROM n
                """);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        public async Task<List<SqliteCommand>> CaptureAsync(Func<Task> action)
        {
            capture.Commands.Clear();
            await action();
            return [.. capture.Commands];
        }

        /// <summary>EXPLAIN QUERY PLAN of each captured command, with its parameters, one string per command.</summary>
        public async Task<List<string>> PlansAsync(List<SqliteCommand> commands)
        {
            var plans = new List<string>();
            await using var connection = new SqliteConnection($"Data Source={directory.File("participants.db")}");
            await connection.OpenAsync();
            foreach (var captured in commands)
            {
                await using var explain = connection.CreateCommand();
                explain.CommandText = "EXPLAIN QUERY PLAN " + captured.CommandText;
                foreach (SqliteParameter parameter in captured.Parameters)
                    explain.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
                await using var reader = await explain.ExecuteReaderAsync();
                var lines = new List<string>();
                while (await reader.ReadAsync())
                    lines.Add(reader.GetString(3));
                plans.Add(string.Join(" | ", lines));
            }
            return plans;
        }

        public Task DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            directory.Dispose();
            return Task.CompletedTask;
        }
    }

    private sealed class CommandCapture : DbCommandInterceptor
    {
        public List<SqliteCommand> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"Participants\"", StringComparison.Ordinal))
            {
                var copy = new SqliteCommand(command.CommandText);
                foreach (SqliteParameter parameter in command.Parameters)
                    copy.Parameters.AddWithValue(parameter.ParameterName, parameter.Value);
                Commands.Add(copy);
            }
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
