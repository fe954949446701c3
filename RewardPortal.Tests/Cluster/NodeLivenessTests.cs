using RewardPortal.Core.Cluster;

namespace RewardPortal.Tests.Cluster;

public sealed class NodeLivenessTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(600, 1, 600)]
    [InlineData(600, 2, 300)]
    [InlineData(600, 7, 85)]
    [InlineData(10, 3, 3)]
    public void EachApiNodeKeepsAnEvenShareRoundedDownSoTheClusterNeverAllowsMoreThanTheLimit(int limit, int nodes, int share)
    {
        Assert.Equal(share, NodeLiveness.ShareOf(limit, nodes));
        Assert.True(share * nodes <= limit);
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(1, 1)]
    public void AShareIsNeverZeroEvenWithMoreNodesThanTheLimit(int limit, int nodes) =>
        Assert.Equal(1, NodeLiveness.ShareOf(limit, nodes));

    [Fact]
    public void NoLiveApiNodeCountsAsOneSoANodeStartingAloneKeepsTheWholeLimit() =>
        Assert.Equal(600, NodeLiveness.ShareOf(600, 0));

    [Theory]
    [InlineData("All", true)]
    [InlineData("Web", true)]
    [InlineData("Worker", false)]
    public void OnlyNodesThatAnswerTheApiShareItsLimit(string role, bool serves) =>
        Assert.Equal(serves, NodeLiveness.ServesApi(role));

    [Fact]
    public void ANodeIsAliveUpToItsDeadlineAndDeadJustAfter()
    {
        var deadAfter = TimeSpan.FromSeconds(30);
        Assert.True(NodeLiveness.IsAlive(Now.AddSeconds(-30), Now, deadAfter));
        Assert.False(NodeLiveness.IsAlive(Now.AddSeconds(-30.001), Now, deadAfter));
    }
}
