namespace RewardPortal.Core.Redemptions;

/// <param name="IdempotencyKey">Repeating a request with the same key returns the first result and charges once.</param>
/// <param name="IdempotencyScope">
/// Whose keys these are (an API key, a signed-in user); required with a key. Within a scope a key names one request,
/// whatever the participant: the same key with another body is refused.
/// </param>
public record RedeemRequest(long ParticipantId, long RewardId, string? IdempotencyKey = null, string? IdempotencyScope = null);

/// <param name="Replayed">True when an earlier request with the same idempotency key made this redemption.</param>
/// <param name="Participant">For a redemption made now, its participant with the balances it left (so the caller need not read them back).</param>
public record RedeemResult(Redemption Redemption, bool Replayed, Participants.Participant? Participant = null);

/// <summary>Stable reasons a redemption is refused, for API clients that branch on them.</summary>
public static class RedemptionErrors
{
    public const string InsufficientBalance = "insufficient_balance";
    public const string OutOfStock = "out_of_stock";
    public const string VoucherPoolEmpty = "voucher_pool_empty";
    public const string RewardUnavailable = "reward_unavailable";
    public const string RewardRestricted = "reward_restricted";
    public const string ParticipantSuspended = "participant_suspended";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string AlreadyDecided = "already_decided";
}
