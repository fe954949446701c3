using System.Diagnostics;

namespace RewardPortal.Core.Data;

/// <summary>
/// Where one <see cref="WriteTransactions"/> piece's time went, for its caller's metrics: waiting for the writer, its own
/// statements, and from their end to the commit's (on SQLite the pieces after it in the batch, then the fsync).
/// </summary>
public sealed class WriteTimings
{
    private long queuedAt;
    private long startedAt;
    private long ranUntil;
    private long committedAt;

    public TimeSpan Queued => Stopwatch.GetElapsedTime(queuedAt, startedAt);
    public TimeSpan Statements => Stopwatch.GetElapsedTime(startedAt, ranUntil);
    public TimeSpan Commit => Stopwatch.GetElapsedTime(ranUntil, committedAt);

    /// <summary>False when the piece never ran (it failed or was cancelled before its turn).</summary>
    public bool Complete => committedAt != 0;

    internal void Queue() => queuedAt = Stopwatch.GetTimestamp();
    internal void Start() => startedAt = Stopwatch.GetTimestamp();
    internal void Ran() => ranUntil = Stopwatch.GetTimestamp();
    internal void Committed() => committedAt = Stopwatch.GetTimestamp();
}
