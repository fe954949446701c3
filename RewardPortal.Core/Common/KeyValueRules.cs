namespace RewardPortal.Core.Common;

/// <summary>
/// The rules for key/value pairs (reward metadata, participant custom fields): they travel in every payload, so they stay
/// small, and each is one line of the plain-text email (<see cref="TextRules"/>).
/// </summary>
public static class KeyValueRules
{
    public const int MaxPairs = 50;
    public const int MaxKeyLength = 100;
    public const int MaxValueLength = 1000;

    /// <summary>
    /// Turns rows typed on a screen into pairs: blank rows are dropped, keys are trimmed, and a key used twice is an error
    /// rather than a silent overwrite.
    /// </summary>
    public static Dictionary<string, string> FromRows(IEnumerable<KeyValuePair<string?, string?>> rows, string field)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, rawValue) in rows)
        {
            var key = rawKey?.Trim() ?? "";
            var value = rawValue?.Trim() ?? "";
            if (key.Length == 0 && value.Length == 0)
                continue;
            if (key.Length == 0)
                throw PortalException.Invalid($"Every value needs a name (the value '{Shorten(value)}' has none).", field);
            if (!pairs.TryAdd(key, value))
                throw PortalException.Invalid($"The name '{key}' is used twice.", field);
        }
        Validate(pairs, field);
        return pairs;
    }

    public static void Validate(IReadOnlyDictionary<string, string>? pairs, string field)
    {
        if (pairs is null)
            return;
        if (pairs.Count > MaxPairs)
            throw PortalException.Invalid($"At most {MaxPairs} entries.", field);
        foreach (var (key, value) in pairs)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
                throw PortalException.Invalid($"Names must be 1 to {MaxKeyLength} characters.", field);
            if (value?.Length > MaxValueLength)
                throw PortalException.Invalid($"The value of '{key}' is longer than {MaxValueLength} characters.", field);
            TextRules.RequireSingleLine(key, field, "Each name");
            TextRules.RequireSingleLine(value, field, $"The value of '{Shorten(key)}'");
        }
    }

    private static string Shorten(string value) => value.Length > 30 ? value[..30] + "…" : value;
}
