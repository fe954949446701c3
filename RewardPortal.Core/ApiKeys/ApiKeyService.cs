using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.ApiKeys;

public record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>The Owner's API keys: created with the secret shown once, stored hashed, revoked for good.</summary>
public sealed class ApiKeyService(IDbContextFactory<RewardPortalDbContext> dbFactory, ApiKeyAuthenticator authenticator, TimeProvider clock)
{
    public async Task<CreatedApiKey> CreateAsync(string name, string userId, string actor, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            throw PortalException.Invalid("Give the key a name of 1 to 200 characters.", "name");
        TextRules.RequireSingleLine(name, "name", "The name");

        var secret = ApiKeyHasher.NewKey();
        var key = new ApiKey
        {
            Name = name,
            Prefix = ApiKeyHasher.DisplayPrefix(secret),
            Hash = ApiKeyHasher.Hash(secret),
            UserId = userId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        db.Audit(actor, "api_key.created", nameof(ApiKey), key.Id, name);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    public async Task RevokeAsync(long id, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken) ?? throw PortalException.NotFound("The API key");
        if (key.RevokedAt is not null)
            return;
        key.RevokedAt = clock.GetUtcNow().UtcDateTime;
        db.Audit(actor, "api_key.revoked", nameof(ApiKey), key.Id, key.Name);
        await db.SaveChangesAsync(cancellationToken);
        authenticator.ForgetKey(key.Id);
    }

    public async Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
    }
}
