namespace RewardPortal.Web.Auth;

/// <summary>
/// Where sign-in sends people back to: a plain local path, or "/". Another site ("//host", "/\host") would be an open
/// redirect, and control or non-ASCII characters cannot go into a Location header at all (they made a correct sign-in
/// fail with a 500).
/// </summary>
public static class LocalReturnUrl
{
    public const int MaxLength = 2000;

    public static string From(string? url) => IsPlainLocalPath(url) ? url! : "/";

    private static bool IsPlainLocalPath(string? url) =>
        url is { Length: > 0 and <= MaxLength } && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'))
        && url.All(c => c is > ' ' and < '\x7f' and not '\\');
}
