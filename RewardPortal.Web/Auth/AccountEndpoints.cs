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
        HttpContext http, SignInThrottle throttle, DecoyPassword decoy, SignInManager<AppUser> signIn, UserManager<AppUser> users)
    {
        var target = LocalReturnUrl.From(returnUrl);
        email = email.Trim();
        using var lease = throttle.Acquire(http.Connection.RemoteIpAddress, email);
        if (!lease.IsAcquired)
            return TooManyAttempts(throttle.RetryAfter(lease));

        var user = await users.FindByEmailAsync(email);
        if (user is null || user.IsDisabled)
        {
            decoy.Check(password);
            return Failed(http, "invalid", target, email);
        }

        // The throttle stands in for lockout: counting failures per account would let anyone lock the Owner out.
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: false);
        if (result.IsLockedOut)
            return Failed(http, "locked", target, email);
        if (!result.Succeeded)
            return Failed(http, "invalid", target, email);
        http.Response.Cookies.Delete(TypedEmailCookie.Name, TypedEmailCookie.Options(http));
        return Results.LocalRedirect(target);
    }

    private static async Task<IResult> LogoutAsync(SignInManager<AppUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/login");
    }

    /// <summary>
    /// Back to the form with the reason. The typed email rides in a short-lived cookie for the form alone, never in the
    /// address, where browser history, proxies and access logs would keep it.
    /// </summary>
    private static IResult Failed(HttpContext http, string error, string returnUrl, string email)
    {
        if (email.Length <= TypedEmailCookie.MaxLength)
            http.Response.Cookies.Append(TypedEmailCookie.Name, email, TypedEmailCookie.Options(http));
        return Results.LocalRedirect($"/account/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}");
    }

    private static IResult TooManyAttempts(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new TooManyAttemptsResult(seconds);
    }

    /// <summary>A 429 a person can read: the form post came from a browser.</summary>
    private sealed class TooManyAttemptsResult(int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.ContentType = "text/html; charset=utf-8";
            return http.Response.WriteAsync($$"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">
                <title>Too many attempts · RewardPortal</title><link rel="stylesheet" href="/app.css"></head>
                <body><main class="login"><div class="login-card"><h1>RewardPortal</h1>
                <div class="login-error" role="alert">Too many sign-in attempts. Try again in {{seconds}} seconds.</div>
                <a href="/account/login">Back to sign in</a></div></main></body></html>
                """);
        }
    }
}
