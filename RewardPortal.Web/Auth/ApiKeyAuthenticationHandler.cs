using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

/// <summary><c>Authorization: Bearer {api key}</c>: the key acts as the user who created it, with that user's roles.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<RewardPortalDbContext> dbFactory,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyIdClaim = "api_key_id";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 512)
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer {api key}'.");

        var hash = ApiKeyHasher.Hash(header["Bearer ".Length..].Trim());
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null)
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == key.UserId, Context.RequestAborted);
        if (user is null || user.IsDisabled)
            return AuthenticateResult.Fail("The API key's user is disabled.");

        var roleNames = await db.UserRoles.Where(ur => ur.UserId == user.Id)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(Context.RequestAborted);

        var now = clock.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
            await RecordLastUsedAsync(db, key.Id, now);

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.Email ?? user.Id),
            new(ApiKeyIdClaim, key.Id.ToString()),
        };
        claims.AddRange(roleNames.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    // "Last used" is bookkeeping: a database that cannot take the write (full disk, read-only file) must not refuse a
    // caller whose key was read and checked, least of all the Owner asking /healthz/ready why the database fails.
    private async Task RecordLastUsedAsync(RewardPortalDbContext db, long keyId, DateTime now)
    {
        try
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        catch (System.Data.Common.DbException e)
        {
            Logger.LogWarning("Could not record when API key {KeyId} was last used: {Error}", keyId, e.Message);
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: 401, title: "Unauthorized",
            detail: "Send a valid API key as 'Authorization: Bearer {key}'.").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem(statusCode: 403, title: "Forbidden",
            detail: "This API key's user may not do this.").ExecuteAsync(Context);
}
