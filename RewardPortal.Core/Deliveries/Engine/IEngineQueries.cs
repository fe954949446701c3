namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// The engine's hot statements in one database's dialect, on the loop's connection and in its transaction: one
/// implementation per provider (<see cref="SqliteEngineQueries"/>, <see cref="PostgresEngineQueries"/>), chosen when
/// the loop's connection is made (<see cref="EngineDatabase"/>). Everything else the engine reads or writes goes through EF.
/// </summary>
internal interface IEngineQueries
{
    /// <summary>When the next claimable delivery (outside <paramref name="excluded"/> notifications) falls due; null when none waits.</summary>
    Task<DateTime?> NextDueAsync(DateTime now, IReadOnlyCollection<long> excluded, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> due deliveries to <paramref name="lease"/>: only rows still pending, due and not
    /// leased (or whose lease ran out), so several nodes never send one delivery at once. Each comes with its event.
    /// </summary>
    Task<List<ClaimedDelivery>> ClaimAsync(
        string lease, DateTime leasedUntil, DateTime now, IReadOnlyCollection<long> excluded, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records each decision's attempt and updates its delivery, the update only while the lease is still the claim's (a
    /// node that lost its lease does not overwrite the new owner).
    /// </summary>
    /// <returns>The deliveries whose update landed.</returns>
    Task<HashSet<long>> RecordAsync(List<OutcomeDecision> decisions, CancellationToken cancellationToken);
}

/// <summary>A delivery just leased, with its event's body (composed once per event and shared by its deliveries).</summary>
internal sealed record ClaimedDelivery(long Id, string MessageId, int AttemptCount, long NotificationId, long EventId, ClaimedEvent Event);

internal sealed record ClaimedEvent(string Type, DateTime OccurredAt, EventBody Body, string? TraceParent);

/// <summary>What an attempt's outcome makes of its delivery.</summary>
internal sealed record OutcomeDecision(Outcome Outcome, DeliveryStatus Status, DateTime Next, DateTime? Completed, string? Error)
{
    public DeliveryWork Work => Outcome.Work;

    public AttemptResult Result => Outcome.Result!;

    /// <summary>The response excerpt as stored: cut to its column's length.</summary>
    public string? Excerpt => OutcomeWriter.Truncate(Result.ResponseExcerpt, 4096);
}
