using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Core.Deliveries.Engine.Sqlite;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

public sealed class SqliteEngineLockTests
{
    [Fact]
    public async Task ASecondEngineStandsByUntilTheFirstLetsGo()
    {
        using var directory = new TempDirectory();
        var path = SqliteEngineLock.PathFor($"Data Source={directory.File("portal.db")}")!;
        var first = await SqliteEngineLock.AcquireAsync(path, NullLogger.Instance, CancellationToken.None);

        var second = SqliteEngineLock.AcquireAsync(path, NullLogger.Instance, CancellationToken.None);
        await Task.Delay(500);
        Assert.False(second.IsCompleted);
        first.Dispose();

        using var taken = await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StandingByEndsWhenTheEngineStops()
    {
        using var directory = new TempDirectory();
        var path = SqliteEngineLock.PathFor($"Data Source={directory.File("portal.db")}")!;
        using var first = await SqliteEngineLock.AcquireAsync(path, NullLogger.Instance, CancellationToken.None);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SqliteEngineLock.AcquireAsync(path, NullLogger.Instance, stopping.Token));
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=portal;Mode=Memory;Cache=Shared")]
    public void ADatabaseInMemoryNeedsNoLock(string connectionString) => Assert.Null(SqliteEngineLock.PathFor(connectionString));

    [Fact]
    public void TheLockLivesBesideTheDatabase() =>
        Assert.Equal(Path.GetFullPath("data/portal.db") + ".engine-lock", SqliteEngineLock.PathFor("Data Source=data/portal.db"));
}
