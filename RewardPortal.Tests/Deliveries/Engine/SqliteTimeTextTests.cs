using System.Globalization;
using System.Text;
using RewardPortal.Core.Deliveries.Engine.Sqlite;

namespace RewardPortal.Tests.Deliveries;

/// <summary>
/// The engine writes and reads times by hand; EF and the screens use .NET's format. A time written one way and read the
/// other must be the same text and the same instant, or "due" comparisons and filters would go wrong.
/// </summary>
public sealed class SqliteTimeTextTests
{
    private const string StoredFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static TheoryData<DateTime> Edges() =>
    [
        new DateTime(2026, 12, 2, 1, 2, 3, DateTimeKind.Utc),
        new DateTime(2026, 12, 2, 1, 2, 3, DateTimeKind.Utc).AddTicks(1_234_500),
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1),
        new DateTime(2028, 2, 29, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
    ];

    [Theory]
    [MemberData(nameof(Edges))]
    public void WritesWhatDotNetsFormatWritesAndReadsItBack(DateTime time) => AssertRoundTrip(time);

    [Fact]
    public void RandomTimesRoundTripTheSameWay()
    {
        var random = new Random(20261202);
        for (var i = 0; i < 10_000; i++)
            AssertRoundTrip(new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("2026-12-02T01:02:03Z", "2026-12-02 01:02:03")]
    [InlineData("2026-12-02T03:02:03.5+02:00", "2026-12-02 01:02:03.5")]
    [InlineData("2026-12-02 01:02:03.1234567 ", "2026-12-02 01:02:03.1234567")]
    [InlineData("2026-12-02", "2026-12-02 00:00:00")]
    public void OtherFormsAreReadAsTheInstantTheyNameInUtc(string text, string utc)
    {
        var read = SqliteTimeText.Read(Encoding.UTF8.GetBytes(text));

        Assert.Equal(DateTime.ParseExact(utc, ["yyyy-MM-dd HH:mm:ss", StoredFormat], CultureInfo.InvariantCulture, DateTimeStyles.None), read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Theory]
    [InlineData("2026-13-02 01:02:03")]
    [InlineData("2026-02-30 01:02:03")]
    [InlineData("not a time")]
    public void TextThatIsNoTimeIsRefused(string text) =>
        Assert.Throws<FormatException>(() => SqliteTimeText.Read(Encoding.UTF8.GetBytes(text)));

    private static void AssertRoundTrip(DateTime time)
    {
        Span<byte> utf8 = stackalloc byte[SqliteTimeText.MaxLength];
        var written = Encoding.UTF8.GetString(utf8[..SqliteTimeText.Write(time, utf8)]);

        Assert.Equal(time.ToString(StoredFormat, CultureInfo.InvariantCulture), written);
        var read = SqliteTimeText.Read(Encoding.UTF8.GetBytes(written));
        Assert.Equal(time, read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }
}
