namespace RewardPortal.Core.Dashboard;

/// <summary>
/// One UTC day's totals, kept by database triggers in the same transaction as the rows they count
/// (<see cref="DailyFiguresSql"/>): the dashboard reads a year as a few hundred rows, and keeps them after old raw rows are purged.
/// </summary>
public class DailyFigures
{
    public DateOnly Day { get; set; }
    /// <summary>
    /// Which of the day's rows: on PostgreSQL each transaction counts into one of <see cref="DailyFiguresSql.Shards"/>
    /// that no other running transaction holds, so that concurrent redemptions do not queue on one row; a day's figures
    /// are the sum of its rows.
    /// SQLite, with one writer at a time, keeps one row a day (0).
    /// </summary>
    public int Shard { get; set; }
    /// <summary>Redemptions made that day, whatever became of them.</summary>
    public int Redemptions { get; set; }
    public long PointsRedeemed { get; set; }
    /// <summary>Deliveries that completed that day, by how they ended.</summary>
    public int DeliveriesSucceeded { get; set; }
    public int DeliveriesFailed { get; set; }
}

/// <summary>How many deliveries that succeeded on <see cref="Day"/> took a latency in <see cref="LatencyHistogram"/>'s bucket.</summary>
public class DailyLatency
{
    public DateOnly Day { get; set; }
    public int Bucket { get; set; }
    public int Count { get; set; }
}
