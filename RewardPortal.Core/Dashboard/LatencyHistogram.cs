using System.Globalization;
using System.Text;

namespace RewardPortal.Core.Dashboard;

/// <summary>
/// Delivery latency (from the event's commit to its delivery's success) counted in fixed buckets, from which percentiles
/// are read. The bounds follow the E12 series (1, 1.2, 1.5 ... 8.2 per decade): a percentile is within about 20 % of the
/// true value, and a day is a few dozen small rows at most whatever the traffic.
/// </summary>
public static class LatencyHistogram
{
    private static readonly double[] E12 = [1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2];

    /// <summary>Inclusive upper bound of each bucket in ms, from 1 ms to 8.2e7 ms (about a day); one more bucket holds the rest.</summary>
    public static readonly double[] UpperBoundsMs = Enumerable.Range(0, 8)
        .SelectMany(decade => E12.Select(m => Math.Round(m * Math.Pow(10, decade), 1))).ToArray();

    public static int OverflowBucket => UpperBoundsMs.Length;

    public static int BucketOf(double ms)
    {
        var index = Array.BinarySearch(UpperBoundsMs, ms);
        return index >= 0 ? index : ~index;
    }

    /// <summary>The nearest-rank percentile, as the upper bound of the bucket it falls in (the last bound for the overflow).</summary>
    public static double? Percentile(IReadOnlyDictionary<int, int> countsByBucket, double fraction)
    {
        var total = countsByBucket.Values.Where(c => c > 0).Sum(c => (long)c);
        if (total == 0)
            return null;
        var rank = (long)Math.Ceiling(fraction * total);
        long seen = 0;
        foreach (var (bucket, count) in countsByBucket.Where(b => b.Value > 0).OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
                return UpperBoundsMs[Math.Min(bucket, UpperBoundsMs.Length - 1)];
        }
        return UpperBoundsMs[^1];
    }

    /// <summary>The same bucketing as <see cref="BucketOf"/>, as a SQL expression over <paramref name="msExpression"/>.</summary>
    internal static string BucketSql(string msExpression)
    {
        var sql = new StringBuilder("CASE");
        for (var i = 0; i < UpperBoundsMs.Length; i++)
            sql.Append(CultureInfo.InvariantCulture, $" WHEN {msExpression} <= {UpperBoundsMs[i]} THEN {i}");
        return sql.Append(CultureInfo.InvariantCulture, $" ELSE {OverflowBucket} END").ToString();
    }
}
