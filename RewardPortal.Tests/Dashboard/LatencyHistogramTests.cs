using RewardPortal.Core.Dashboard;

namespace RewardPortal.Tests.Dashboard;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(0.3, 0)]
    [InlineData(1.0, 0)]
    [InlineData(1.1, 1)]
    [InlineData(103, 25)]
    [InlineData(1e12, 96)]
    public void ALatencyFallsInTheBucketWhoseUpperBoundIsTheFirstAtOrAboveIt(double ms, int bucket) =>
        Assert.Equal(bucket, LatencyHistogram.BucketOf(ms));

    [Fact]
    public void PercentilesAreTheNearestRanksBucketBound()
    {
        // 90 deliveries at 10 ms or less, 10 around 1 s.
        var counts = new Dictionary<int, int> { [LatencyHistogram.BucketOf(9)] = 90, [LatencyHistogram.BucketOf(900)] = 10 };

        Assert.Equal(10, LatencyHistogram.Percentile(counts, 0.5));
        Assert.Equal(10, LatencyHistogram.Percentile(counts, 0.9));
        Assert.Equal(1000, LatencyHistogram.Percentile(counts, 0.95));
        Assert.Null(LatencyHistogram.Percentile(new Dictionary<int, int>(), 0.5));
    }
}
