using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

public class SignInLimitOptions
{
    public const string Section = "SignIn";

    /// <summary>Attempts one address may make per <see cref="Window"/>.</summary>
    [Range(1, 100_000)]
    public int AttemptsPerAddress { get; set; } = 20;

    /// <summary>
    /// Attempts on one email per <see cref="Window"/>, from all addresses together: three times what one address may
    /// make, so that no single address can hold an account shut.
    /// </summary>
    [Range(1, 100_000)]
    public int AttemptsPerAccount { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Limits sign-in attempts per client address and per email, known or not, in place of a lockout that anyone who knows
/// an email could set off. The buckets refill one attempt at a time over the window.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<SignInAttempt> limiter;
    private readonly SignInLimitOptions options;

    public SignInThrottle(IOptions<SignInLimitOptions> options)
    {
        this.options = options.Value;
        var perAddress = PartitionedRateLimiter.Create<SignInAttempt, string>(a =>
            RateLimitPartition.GetTokenBucketLimiter(a.Address, _ => Bucket(this.options.AttemptsPerAddress)));
        var perAccount = PartitionedRateLimiter.Create<SignInAttempt, string>(a =>
            RateLimitPartition.GetTokenBucketLimiter(a.Account, _ => Bucket(this.options.AttemptsPerAccount)));
        limiter = PartitionedRateLimiter.CreateChained(perAddress, perAccount);
    }

    public RateLimitLease Acquire(IPAddress? address, string email) =>
        limiter.AttemptAcquire(new SignInAttempt(address?.ToString() ?? "unknown", email.Trim().ToUpperInvariant()));

    public TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
            ? wait
            : options.Window / Math.Min(options.AttemptsPerAddress, options.AttemptsPerAccount);

    private TokenBucketRateLimiterOptions Bucket(int attempts) => new()
    {
        TokenLimit = attempts,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = options.Window / attempts,
        QueueLimit = 0,
    };

    public void Dispose() => limiter.Dispose();

    public readonly record struct SignInAttempt(string Address, string Account);
}

/// <summary>
/// Checks a password against a hash of nothing, so that an unknown or disabled account takes as long to refuse as a
/// known one: the answer's timing does not tell which emails have accounts.
/// </summary>
public sealed class DecoyPassword
{
    private static readonly AppUser Nobody = new();
    private readonly PasswordHasher<AppUser> hasher;
    private readonly Lazy<string> hash;

    // Identity registers its hasher as scoped; one built from the same options hashes alike and can live as long as this.
    public DecoyPassword(IOptions<PasswordHasherOptions> options)
    {
        hasher = new PasswordHasher<AppUser>(options);
        hash = new(() => hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N")));
    }

    public void Check(string password) => hasher.VerifyHashedPassword(Nobody, hash.Value, password);
}
