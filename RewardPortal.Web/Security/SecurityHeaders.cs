using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RewardPortal.Web.Security;

/// <summary>
/// The same headers on every response, pages, API, OpenAPI and dashboards alike: a content security policy that runs
/// no script but the app's own files, no MIME sniffing, no referrer beyond the site, no framing.
/// </summary>
public static partial class SecurityHeaders
{
    /// <summary>
    /// Styles may be inline: MudBlazor sets style attributes on its components. Images come from anywhere on the web:
    /// a reward's image is any absolute http(s) address. Blazor's circuit connects back to the same origin ('self').
    /// </summary>
    public const string Policy =
        "default-src 'self'; script-src 'self'{0}; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Pages made by a library that carry an inline script: each script is allowed by its hash, computed as served.</summary>
    private static readonly PathString[] InlineScriptPages = ["/api/reference"];

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        context.Response.OnStarting(() =>
        {
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // Replaces Blazor's frame-ancestors-only policy; a page that got script hashes below keeps its own.
            if (!headers.ContentSecurityPolicy.ToString().Contains("script-src", StringComparison.Ordinal))
                headers.ContentSecurityPolicy = string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "");
            return Task.CompletedTask;
        });

        if (!InlineScriptPages.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            await next(context);
            return;
        }
        await WithInlineScriptHashesAsync(context, next);
    });

    private static async Task WithInlineScriptHashesAsync(HttpContext context, RequestDelegate next)
    {
        var body = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var hashes = InlineScriptHashes(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            context.Response.Headers.ContentSecurityPolicy = string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, hashes);
        }
        if (context.Response.ContentLength is not null)
            context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }

    internal static string InlineScriptHashes(string html)
    {
        var hashes = new StringBuilder();
        foreach (Match script in InlineScript().Matches(html))
            hashes.Append(" 'sha256-").Append(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["code"].Value)))).Append('\'');
        return hashes.ToString();
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc\\s*=)[^>]*>(?<code>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
