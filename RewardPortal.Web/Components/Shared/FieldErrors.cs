using RewardPortal.Core.Common;

namespace RewardPortal.Web.Components.Shared;

/// <summary>
/// A form's messages from <see cref="PortalException"/>: each beside the field it names, or at the top when the form has no
/// such field. The rules live in Core; forms only show what Core says.
/// </summary>
public sealed class FieldErrors(params string[] fields)
{
    private readonly HashSet<string> shown = new(fields, StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> byField = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The message no field shows.</summary>
    public string? General { get; private set; }

    public bool Any => General is not null || byField.Count > 0;

    public string? this[string field] => byField.GetValueOrDefault(field);

    public bool Has(string field) => byField.ContainsKey(field);

    public void Clear()
    {
        byField.Clear();
        General = null;
    }

    public void Show(PortalException e)
    {
        Clear();
        if (e.Errors.Count == 0)
        {
            General = e.Message;
            return;
        }
        var general = new List<string>();
        foreach (var (field, message) in e.Errors)
        {
            if (shown.Contains(field))
                byField[field] = message;
            else
                general.Add(message);
        }
        General = general.Count == 0 ? null : string.Join(" ", general);
    }
}
