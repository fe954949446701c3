using System.Text;

namespace RewardPortal.Core.Common;

/// <summary>
/// What people type travels into plain-text emails, CSV exports, logs and payloads. A line break in a name forges a line
/// of its own there, and a bidi override makes text read other than it is stored. Single-line fields (names, reasons,
/// key/value pairs) refuse them; multi-line messages are normalised instead.
/// </summary>
public static class TextRules
{
    public const string SingleLineRule = "must be a single line, without control characters or text-direction overrides";

    /// <summary>Refuses a single-line value holding a control character (CR, LF, NUL, tab...), a line or paragraph separator, or a bidi control.</summary>
    /// <param name="what">Names the value in the message, e.g. "The name".</param>
    public static void RequireSingleLine(string? value, string field, string what)
    {
        if (value is not null && !IsSingleLine(value))
            throw PortalException.Invalid($"{what} {SingleLineRule}.", field);
    }

    public static bool IsSingleLine(string value)
    {
        foreach (var c in value)
            if (char.IsControl(c) || IsBidiControl(c) || c is '\u2028' or '\u2029')
                return false;
        return true;
    }

    /// <summary>
    /// A multi-line message as it is kept: line breaks become LF (CRLF, CR, U+2028, U+2029 alike), tabs stay, and NUL,
    /// other control characters and bidi overrides are dropped.
    /// </summary>
    public static string? NormaliseMultiLine(string? value)
    {
        if (value is null)
            return null;
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\r')
            {
                text.Append('\n');
                if (i + 1 < value.Length && value[i + 1] == '\n')
                    i++;
            }
            else if (c is '\n' or '\u2028' or '\u2029')
                text.Append('\n');
            else if (c == '\t' || !(char.IsControl(c) || IsBidiControl(c)))
                text.Append(c);
        }
        return text.ToString();
    }

    // U+202A-U+202E (embeddings and overrides) and U+2066-U+2069 (isolates). The marks (U+200E, U+200F) stay: they
    // only nudge neutral characters, and right-to-left text needs them.
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}
