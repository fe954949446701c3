using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

public sealed class SqliteBackgroundCheckpointTests : IDisposable
{
    private const int PageSize = 4096;
    private readonly TempDirectory directory = new();
    private readonly SqliteConnection connection;

    public SqliteBackgroundCheckpointTests()
    {
        connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        Run(connection, $"PRAGMA page_size = {PageSize}; PRAGMA journal_mode = WAL; CREATE TABLE Blobs (Data BLOB);");
    }

    private string Database => directory.File("checkpoint.db");

    [Fact]
    public async Task AThousandPagesCommittedOnTheConnectionAreCheckpointedBesideIt()
    {
        await using var checkpoint = SqliteBackgroundCheckpoint.Attach(connection, NullLogger.Instance);

        WritePages(SqliteBackgroundCheckpoint.PagesBeforeCheckpoint + 200);

        await Wait.UntilAsync(() => Task.FromResult(checkpoint.Completed > 0), TimeSpan.FromSeconds(20), "a background checkpoint");
        // The pages are in the database file itself now, not only in the WAL.
        Assert.True(new FileInfo(Database).Length > SqliteBackgroundCheckpoint.PagesBeforeCheckpoint * PageSize);
        Assert.Equal(SqliteBackgroundCheckpoint.PagesBeforeCheckpoint + 200, Count());
    }

    [Fact]
    public async Task SmallCommitsLeaveTheWalAlone()
    {
        await using var checkpoint = SqliteBackgroundCheckpoint.Attach(connection, NullLogger.Instance);

        for (var i = 0; i < 20; i++)
            WritePages(10);

        await Task.Delay(200);
        Assert.Equal(0, checkpoint.Completed);
        Assert.Equal(200, Count());
    }

    [Fact]
    public async Task AWriterThatNeverPausesStillKeepsTheWalWithinItsBound()
    {
        await using var checkpoint = SqliteBackgroundCheckpoint.Attach(connection, NullLogger.Instance);

        var most = 0L;
        for (var i = 0; i < 2000; i++)
        {
            WritePages(10);
            most = Math.Max(most, WalPages());
        }

        Assert.True(checkpoint.Completed > 0);
        // Unbounded, the WAL would hold all 20,000 pages. A commit's own checkpoint is busy while the background one runs,
        // and the next commit tries again, so the commits made during one background checkpoint can pass the bound
        // (150 pages in a loaded CI run): allow a checkpoint's worth.
        Assert.InRange(
            most, SqliteBackgroundCheckpoint.PagesBeforeCheckpoint, SqliteBackgroundCheckpoint.MostPages + SqliteBackgroundCheckpoint.PagesBeforeCheckpoint);
        Assert.Equal(20_000, Count());
    }

    [Fact]
    public async Task OnceDisposedTheConnectionCheckpointsByItselfAgain()
    {
        var checkpoint = SqliteBackgroundCheckpoint.Attach(connection, NullLogger.Instance);
        await checkpoint.DisposeAsync();

        // SQLite's auto-checkpoint runs inside the commit that passes the threshold: the file has grown when it returns.
        WritePages(SqliteBackgroundCheckpoint.PagesBeforeCheckpoint + 200);

        Assert.Equal(0, checkpoint.Completed);
        Assert.True(new FileInfo(Database).Length > SqliteBackgroundCheckpoint.PagesBeforeCheckpoint * PageSize);
    }

    public void Dispose()
    {
        connection.Dispose();
        directory.Dispose();
    }

    /// <summary>One transaction of about <paramref name="pages"/> pages: a row each, a page's worth of bytes.</summary>
    private void WritePages(int pages) =>
        Run(
            connection,
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {pages}) INSERT INTO Blobs SELECT randomblob({PageSize - 200}) FROM n;");

    /// <summary>The WAL file's size in frames: the most it ever held, as SQLite writes it over from the start rather than shrinking it.</summary>
    private long WalPages() => File.Exists(Database + "-wal") ? (new FileInfo(Database + "-wal").Length - 32) / (24 + PageSize) : 0;

    private long Count()
    {
        using var reader = new SqliteConnection($"Data Source={Database};Pooling=False");
        reader.Open();
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT count(*) FROM Blobs";
        return (long)command.ExecuteScalar()!;
    }

    private static void Run(SqliteConnection on, string sql)
    {
        using var command = on.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
