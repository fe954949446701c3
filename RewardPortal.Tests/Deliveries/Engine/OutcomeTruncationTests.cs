using RewardPortal.Core.Deliveries.Engine;

namespace RewardPortal.Tests.Deliveries;

/// <summary>Errors and excerpts are cut to their column's length; a cut through an emoji would leave text PostgreSQL refuses.</summary>
public sealed class OutcomeTruncationTests
{
    [Fact]
    public void ACutNeverSplitsASurrogatePair()
    {
        var error = new string('a', 1999) + "\U0001F600" + " and the rest";

        var cut = OutcomeWriter.Truncate(error, 2000)!;

        Assert.Equal(new string('a', 1999), cut);
        Assert.False(char.IsSurrogate(cut[^1]));
    }

    [Fact]
    public void PlainTextIsCutAtTheLengthAndShortTextIsKept()
    {
        Assert.Equal(2000, OutcomeWriter.Truncate(new string('x', 5000), 2000)!.Length);
        Assert.Equal("ok \U0001F600", OutcomeWriter.Truncate("ok \U0001F600", 2000));
        Assert.Null(OutcomeWriter.Truncate(null, 2000));
    }
}
