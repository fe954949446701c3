namespace RewardPortal.Core.Rewards;

/// <summary>
/// A reward's picture: an absolute http(s) URL in plain RFC 3986 form. Whitespace, quotes, angle brackets, backslashes,
/// control and non-ASCII characters are refused, so that no stored value can leave the attribute it is written into
/// (a quote once closed a CSS url() and added declarations of its own).
/// </summary>
public static class RewardImageUrl
{
    public const int MaxLength = 2000;

    public const string Rule =
        "The image URL must be a full http:// or https:// address of at most 2000 characters, without spaces, quotes or other special characters.";

    public static bool IsAcceptable(string url) =>
        url.Length <= MaxLength
        && url.All(c => c is > ' ' and < '\x7f' and not ('"' or '\'' or '<' or '>' or '\\' or '`'))
        && Uri.IsWellFormedUriString(url, UriKind.Absolute)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;
}
