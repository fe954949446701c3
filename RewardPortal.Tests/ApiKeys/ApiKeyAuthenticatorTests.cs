using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.ApiKeys;

/// <summary>The cache in front of API keys, with the clock in the test's hands; "another node" is a write straight to the database.</summary>
public sealed class ApiKeyAuthenticatorTests : IDisposable
{
    private const string Secret = "rpk_cached_key_0123456789abcdefghij";
    private readonly SqliteTestDatabase database = new();
    private readonly ManualClock clock = new();
    private readonly ApiKeyUsage usage;
    private readonly ApiKeyAuthenticator authenticator;

    public ApiKeyAuthenticatorTests()
    {
        usage = new ApiKeyUsage(database, NullLogger<ApiKeyUsage>.Instance);
        authenticator = new ApiKeyAuthenticator(database, usage, clock);
    }

    [Fact]
    public async Task AKeyIsCheckedAgainstTheDatabaseOnlyOnceEachCacheLifetime()
    {
        var keyId = await CreateKeyAsync();
        Assert.NotNull(await authenticator.AuthenticateAsync(Secret, default));
        await using (var db = database.CreateDbContext())
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteDeleteAsync();

        clock.Advance(ApiKeyAuthenticator.CacheLifetime - TimeSpan.FromMilliseconds(1));
        var cached = await authenticator.AuthenticateAsync(Secret, default);

        Assert.Equal((keyId, "vendor@test.local"), (cached!.KeyId, cached.UserName));
        Assert.Equal([Roles.Admin], cached.Roles);
    }

    [Fact]
    public async Task AKeyRevokedOnAnotherNodeIsRefusedWithinTheCacheLifetime()
    {
        var keyId = await CreateKeyAsync();
        Assert.NotNull(await authenticator.AuthenticateAsync(Secret, default));
        await using (var db = database.CreateDbContext())
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow));

        clock.Advance(ApiKeyAuthenticator.CacheLifetime);

        Assert.Null(await authenticator.AuthenticateAsync(Secret, default));
    }

    [Fact]
    public async Task AKeyWhoseUserIsDisabledOnAnotherNodeIsRefusedWithinTheCacheLifetime()
    {
        await CreateKeyAsync();
        Assert.NotNull(await authenticator.AuthenticateAsync(Secret, default));
        await using (var db = database.CreateDbContext())
            await db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true));

        clock.Advance(ApiKeyAuthenticator.CacheLifetime);

        Assert.Null(await authenticator.AuthenticateAsync(Secret, default));
    }

    [Fact]
    public async Task RevokingOrDisablingOnThisNodeTakesEffectAtOnce()
    {
        var keyId = await CreateKeyAsync();
        Assert.NotNull(await authenticator.AuthenticateAsync(Secret, default));
        await using (var db = database.CreateDbContext())
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTime.UtcNow));

        authenticator.ForgetKey(keyId);

        Assert.Null(await authenticator.AuthenticateAsync(Secret, default));
    }

    [Fact]
    public async Task LastUseIsWrittenInABatchWithTheLatestTime()
    {
        var keyId = await CreateKeyAsync();
        await authenticator.AuthenticateAsync(Secret, default);
        clock.Advance(TimeSpan.FromSeconds(2));
        await authenticator.AuthenticateAsync(Secret, default);
        await using (var db = database.CreateDbContext())
            Assert.Null((await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt);

        await usage.FlushAsync();

        await using (var db = database.CreateDbContext())
            Assert.Equal(clock.GetUtcNow().UtcDateTime, (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt);
    }

    private async Task<long> CreateKeyAsync()
    {
        await using var db = database.CreateDbContext();
        var user = TestData.User("vendor@test.local");
        var role = new IdentityRole(Roles.Admin) { NormalizedName = Roles.Admin.ToUpperInvariant() };
        db.Users.Add(user);
        db.Roles.Add(role);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
        var key = new ApiKey { Name = "Vendor", Prefix = "rpk_cached_k", Hash = ApiKeyHasher.Hash(Secret), UserId = user.Id, CreatedAt = DateTime.UtcNow };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        return key.Id;
    }

    public void Dispose() => database.Dispose();

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => now;
        public void Advance(TimeSpan by) => now += by;
    }
}
