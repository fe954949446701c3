namespace RewardPortal.Web.Components.Shared;

/// <summary>One editable row of key/value pairs (reward metadata, custom fields).</summary>
public sealed class KeyValueRow
{
    public string? Key { get; set; }
    public string? Value { get; set; }

    public static List<KeyValueRow> From(IReadOnlyDictionary<string, string>? pairs) =>
        (pairs ?? new Dictionary<string, string>()).Select(p => new KeyValueRow { Key = p.Key, Value = p.Value }).ToList();

    public static IEnumerable<KeyValuePair<string?, string?>> Pairs(IEnumerable<KeyValueRow> rows) =>
        rows.Select(r => new KeyValuePair<string?, string?>(r.Key, r.Value));
}
