using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

/// <summary>
/// Keeps a user signed in after they change their own password. The change gives them a new security stamp, which ends
/// every session, this tab's too; cookies can only be set on an HTTP response, not over the circuit. So the page hands
/// the browser a short-lived ticket bound to the new stamp, and this endpoint swaps it for a fresh cookie. A ticket is
/// useless after two minutes or after any later stamp change.
/// </summary>
public sealed class SignInRenewal(IDataProtectionProvider protection, IServiceScopeFactory scopes)
{
    public const string Path = "/account/renew";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("RewardPortal.SignInRenewal").ToTimeLimitedDataProtector();

    /// <summary>The address that signs this user in again and goes on to <paramref name="returnUrl"/>.</summary>
    public async Task<string> AddressForAsync(string userId, string returnUrl)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("The user is gone.");
        var ticket = protector.Protect($"{user.Id}|{await users.GetSecurityStampAsync(user)}", Lifetime);
        return $"{Path}?ticket={Uri.EscapeDataString(ticket)}&returnUrl={Uri.EscapeDataString(returnUrl)}";
    }

    internal async Task<AppUser?> UserForAsync(string? ticket, UserManager<AppUser> users)
    {
        string payload;
        try
        {
            payload = protector.Unprotect(ticket ?? "");
        }
        catch (CryptographicException)
        {
            return null;
        }
        var parts = payload.Split('|', 2);
        var user = parts.Length == 2 ? await users.FindByIdAsync(parts[0]) : null;
        return user is not null && await users.GetSecurityStampAsync(user) == parts[1] ? user : null;
    }
}

public static class SignInRenewalEndpoint
{
    public static IEndpointRouteBuilder MapSignInRenewal(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInRenewal.Path, RenewAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenewAsync(string? ticket, string? returnUrl, SignInRenewal renewal,
        SignInManager<AppUser> signIn, UserManager<AppUser> users, RewardPortalDbContext db)
    {
        var user = await renewal.UserForAsync(ticket, users);
        if (user is null || !await PortalAccess.MaySignInAsync(db, user))
            return Results.LocalRedirect("/account/login");
        await signIn.SignInAsync(user, isPersistent: true);
        var local = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\");
        return Results.LocalRedirect(local ? returnUrl! : "/");
    }
}
