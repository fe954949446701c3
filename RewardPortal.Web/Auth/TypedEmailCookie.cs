namespace RewardPortal.Web.Auth;

/// <summary>What was typed in the sign-in form before a failed attempt, so that only the password needs typing again.</summary>
public static class TypedEmailCookie
{
    public const string Name = "rp_typed_email";

    /// <summary>Longer than any email address (RFC 5321 allows 254 characters): not kept.</summary>
    public const int MaxLength = 320;

    public static CookieOptions Options(HttpContext http) => new()
    {
        Path = "/account/login",
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        MaxAge = TimeSpan.FromMinutes(5),
        IsEssential = true,
    };
}
