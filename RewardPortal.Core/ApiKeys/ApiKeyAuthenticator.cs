using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.ApiKeys;

/// <summary>Who an API key acts as: its user, with that user's roles.</summary>
public sealed record ApiKeyIdentity(long KeyId, string UserId, string UserName, IReadOnlyList<string> Roles);

/// <summary>
/// Checks API keys from memory: a key once found valid is believed for <see cref="CacheLifetime"/>, then looked up again,
/// so a busy integration costs one query every few seconds instead of three per call. A key revoked or a user disabled or
/// changed on this node is forgotten at once; on other nodes (which share only the database) within <see cref="CacheLifetime"/>.
/// "Last used" goes to <see cref="ApiKeyUsage"/>, written in batches off the request path.
/// </summary>
public sealed class ApiKeyAuthenticator(IDbContextFactory<RewardPortalDbContext> dbFactory, ApiKeyUsage usage, TimeProvider clock)
{
    /// <summary>How long another node may go on accepting a key after it was revoked, or its user disabled, elsewhere.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private sealed record Entry(ApiKeyIdentity Identity, DateTimeOffset Until);

    // Keyed by the key's hash; only keys found valid are kept, so the size is bounded by the keys that exist.
    private readonly ConcurrentDictionary<string, Entry> valid = new(StringComparer.Ordinal);

    /// <returns>The key's identity, or null for an unknown or revoked key, or one whose user is disabled or gone.</returns>
    public async ValueTask<ApiKeyIdentity?> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeyHasher.Hash(secret);
        var now = clock.GetUtcNow();
        if (!valid.TryGetValue(hash, out var entry) || entry.Until <= now)
        {
            var identity = await LoadAsync(hash, cancellationToken);
            if (identity is null)
            {
                valid.TryRemove(hash, out _);
                return null;
            }
            entry = new Entry(identity, now + CacheLifetime);
            valid[hash] = entry;
        }
        usage.Used(entry.Identity.KeyId, now.UtcDateTime);
        return entry.Identity;
    }

    public void ForgetKey(long keyId) => Forget(e => e.Identity.KeyId == keyId);

    public void ForgetUser(string userId) => Forget(e => e.Identity.UserId == userId);

    private void Forget(Func<Entry, bool> which)
    {
        foreach (var (hash, entry) in valid)
            if (which(entry))
                valid.TryRemove(hash, out _);
    }

    private async Task<ApiKeyIdentity?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (
                from key in db.ApiKeys.AsNoTracking()
                join user in db.Users on key.UserId equals user.Id
                where key.Hash == hash && key.RevokedAt == null && !user.IsDisabled
                select new
                {
                    KeyId = key.Id, UserId = user.Id, user.Email,
                    Roles = db.UserRoles.Where(ur => ur.UserId == user.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
                })
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : new ApiKeyIdentity(found.KeyId, found.UserId, found.Email ?? found.UserId, found.Roles);
    }
}
