using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Webhooks;

/// <summary>The "Webhooks" section: how the delivery engine sends (webhooks, and the retry schedule emails share).</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>Allow URLs on loopback, private, link-local and metadata addresses: Development and tests only.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long a receiver has to answer one attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The delay before each attempt; its length is the number of attempts. Empty means the default.</summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    /// <summary>Attempts in flight at once on this node, over every endpoint.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Attempts in flight at once to one webhook, so that a slow receiver holds up only itself.</summary>
    [Range(1, 256)]
    public int MaxConcurrencyPerEndpoint { get; set; } = 16;

    /// <summary>The longest Retry-After the engine honours.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule is { Length: > 0 } schedule ? schedule : DefaultRetrySchedule;

    /// <summary>
    /// How many rounds of sends a node keeps claimed ahead, per endpoint and overall, so that the next ones are ready the
    /// moment a slot frees up; claims and outcome batches are half of it, so it also sets how large the engine's database
    /// turns are. Sixteen drained faster than eight, and thirty-two hardly faster than sixteen for leases twice as long:
    /// docs/benchmarks.md#what-changed-fewer-larger-database-turns.
    /// </summary>
    public const int RoundsClaimedAhead = 16;

    /// <summary>
    /// How long a claimed delivery belongs to this node. A claim holds at most <see cref="RoundsClaimedAhead"/> rounds of
    /// attempts per endpoint, and a delivery is only sent while a whole timeout is left on its lease, so a live node never
    /// sees its lease run out.
    /// </summary>
    public TimeSpan LeaseDuration => Timeout * (RoundsClaimedAhead + 2) + TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetrySchedule is { Length: > 50 })
            yield return new ValidationResult("Webhooks:RetrySchedule has at most 50 entries.", [nameof(RetrySchedule)]);
        if (RetrySchedule?.Any(d => d < TimeSpan.Zero || d > TimeSpan.FromDays(7)) == true)
            yield return new ValidationResult("Webhooks:RetrySchedule delays must be between 00:00:00 and 7.00:00:00.", [nameof(RetrySchedule)]);
    }
}
