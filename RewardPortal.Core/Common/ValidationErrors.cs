namespace RewardPortal.Core.Common;

/// <summary>Collects every broken rule of an input before anything is saved, so that one Save shows them all.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string> errors = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => errors.Count > 0;

    public bool Has(string field) => errors.ContainsKey(field);

    /// <summary>The first message per field wins: it is the one to fix first.</summary>
    public void Add(string field, string message) => errors.TryAdd(field, message);

    /// <summary>Runs a check that throws <see cref="PortalException"/> and keeps what it reports instead.</summary>
    public void Check(Action check)
    {
        try
        {
            check();
        }
        catch (PortalException e) when (e.Kind == PortalErrorKind.Invalid)
        {
            foreach (var (field, message) in e.Errors.Count > 0 ? e.Errors : new Dictionary<string, string> { [""] = e.Message })
                Add(field, message);
        }
    }

    public void ThrowIfAny()
    {
        if (errors.Count > 0)
            throw PortalException.Invalid(new Dictionary<string, string>(errors));
    }
}
