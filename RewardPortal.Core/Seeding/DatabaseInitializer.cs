using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Configuration;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Protection;

namespace RewardPortal.Core.Seeding;

/// <summary>Runs at start: applies migrations, creates the roles, the first Owner and API key, and the demo data.</summary>
public sealed class DatabaseInitializer(
    RewardPortalDbContext db,
    UserManager<AppUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<BootstrapOptions> bootstrap,
    IOptions<SeedOptions> seed,
    DemoSeeder demoSeeder,
    SecretCipher cipher,
    ILogger<DatabaseInitializer> logger)
{
    public const string DefaultOwnerEmail = "owner@localhost";

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await SqliteJournalMode.UseWalAsync(db, logger, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await ProtectPlaintextSecretsAsync(cancellationToken);
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");

        var owner = await EnsureOwnerAsync(cancellationToken);
        await EnsureBootstrapApiKeyAsync(owner, cancellationToken);
        if (seed.Value.Demo)
            await demoSeeder.SeedAsync(cancellationToken);
    }

    /// <summary>A database from before secrets were encrypted has its webhook secrets and key ring encrypted now.</summary>
    private async Task ProtectPlaintextSecretsAsync(CancellationToken cancellationToken)
    {
        var secrets = await SecretColumnMigration.EncryptPlaintextSecretsAsync(db, cancellationToken);
        var keys = await KeyRingMigration.EncryptPlaintextKeysAsync(db, new MasterKeyXmlEncryptor(cipher), cancellationToken);
        if (secrets + keys > 0)
            logger.LogInformation("Encrypted {Secrets} webhooks' secrets and {Keys} data-protection keys that were stored in plaintext.", secrets, keys);
    }

    private async Task<AppUser> EnsureOwnerAsync(CancellationToken cancellationToken)
    {
        var existing = await users.GetUsersInRoleAsync(Roles.Owner);
        if (existing.Count > 0)
            return existing[0];
        if (await db.Users.AnyAsync(cancellationToken))
            throw new InvalidOperationException("The database has users but no Owner; restore the Owner role to one of them.");

        var email = string.IsNullOrWhiteSpace(bootstrap.Value.OwnerEmail) ? DefaultOwnerEmail : bootstrap.Value.OwnerEmail.Trim();
        var password = bootstrap.Value.OwnerPassword;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
            password = GeneratePassword();

        var owner = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Owner", CreatedAt = DateTime.UtcNow, MustChangePassword = generated,
        };
        Check(await users.CreateAsync(owner, password!), "create the Owner");
        Check(await users.AddToRoleAsync(owner, Roles.Owner), "make the Owner");

        if (generated)
            logger.LogWarning(
                "First run: created the Owner {Email} with password {Password}. It is shown only this once: sign in and replace it (you will be asked to).",
                email, password);
        else
            logger.LogInformation("First run: created the Owner {Email} with the password from Bootstrap:OwnerPassword.", email);
        return owner;
    }

    private async Task EnsureBootstrapApiKeyAsync(AppUser owner, CancellationToken cancellationToken)
    {
        var key = bootstrap.Value.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
            return;
        if (key.Length < 20)
            throw new InvalidOperationException("Bootstrap:ApiKey must be at least 20 characters.");
        var hash = ApiKeyHasher.Hash(key);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash, cancellationToken))
            return;
        db.ApiKeys.Add(
            new ApiKey { Name = "Bootstrap key", Prefix = ApiKeyHasher.DisplayPrefix(key), Hash = hash, UserId = owner.Id, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("First run: registered the API key from Bootstrap:ApiKey for the Owner.");
    }

    internal static string GeneratePassword()
    {
        // Identity's default rules want an upper, a lower, a digit and a symbol.
        var random = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('/', 'x').Replace('+', 'y');
        return $"Rp-{random}9a";
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
