using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

/// <summary>Sign-in and sign-out are plain form posts: cookies can only be set on a real HTTP response, not over the circuit.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/login", LoginAsync);
        account.MapPost("/logout", LogoutAsync);
        return app;
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
        SignInManager<AppUser> signIn, UserManager<AppUser> users)
    {
        var target = LocalReturnUrl.From(returnUrl);
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null || user.IsDisabled)
            return Failed("invalid", target);

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
        if (result.IsLockedOut)
            return Failed("locked", target);
        return result.Succeeded ? Results.LocalRedirect(target) : Failed("invalid", target);
    }

    private static async Task<IResult> LogoutAsync(SignInManager<AppUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/login");
    }

    private static IResult Failed(string error, string returnUrl) =>
        Results.LocalRedirect($"/account/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}");
}
