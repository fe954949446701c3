using System.Net;
using System.Text.RegularExpressions;

namespace RewardPortal.Core.Email.Templates;

/// <summary>
/// The plain-text part of a written email, derived from its HTML: the preview shows what this makes and sending uses it,
/// so the two never differ. Headings and paragraphs become lines, a table's cells "name: value", a link "text: address".
/// </summary>
public static partial class EmailText
{
    public static string FromHtml(string html)
    {
        var text = Hidden().Replace(html, "");
        text = Link().Replace(text, m =>
        {
            var href = WebUtility.HtmlDecode(m.Groups["href"].Value);
            var label = Tag().Replace(m.Groups["text"].Value, "").Trim();
            return label.Length == 0 || WebUtility.HtmlDecode(label) == href ? href : $"{label}: {href}";
        });
        // As a browser would: a line break in the source is a space; only tags make lines.
        text = Whitespace().Replace(text, " ");
        text = LineBreak().Replace(text, "\n");
        text = HeaderCellEnd().Replace(text, ": ");
        text = CellEnd().Replace(text, "  ");
        text = RowEnd().Replace(text, "\n");
        text = BlockEdge().Replace(text, "\n\n");
        text = WebUtility.HtmlDecode(Tag().Replace(text, ""));
        var lines = text.Replace("\r", "").Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        text = string.Join("\n", lines);
        return BlankLines().Replace(text, "\n\n").Trim() + "\n";
    }

    [GeneratedRegex(@"<(head|style|script|title)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("""<a\b[^>]*?\bhref\s*=\s*["'](?<href>[^"']*)["'][^>]*>(?<text>.*?)</a\s*>""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Link();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"</th\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderCellEnd();

    [GeneratedRegex(@"</td\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex CellEnd();

    [GeneratedRegex(@"</(tr|li)\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex RowEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"</?(p|div|h[1-6]|table|ul|ol|blockquote|pre|hr|body|html)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEdge();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t\u00a0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
