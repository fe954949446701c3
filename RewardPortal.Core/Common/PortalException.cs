namespace RewardPortal.Core.Common;

public enum PortalErrorKind
{
    /// <summary>The input breaks a rule (HTTP 422 / a form message).</summary>
    Invalid,
    /// <summary>The thing asked for does not exist (HTTP 404).</summary>
    NotFound,
    /// <summary>The state has moved on: decided already, out of stock (HTTP 409).</summary>
    Conflict,
}

/// <summary>A rule the user can act on. Its message is written for people: screens show it, the API returns it as problem details.</summary>
public sealed class PortalException(PortalErrorKind kind, string message, string? field = null, string? code = null) : Exception(message)
{
    public PortalErrorKind Kind { get; } = kind;
    /// <summary>The input field at fault, where there is one (camelCase, as the API names it).</summary>
    public string? Field { get; } = field;
    /// <summary>A stable machine-readable reason, e.g. "insufficient_balance", for clients that branch on it.</summary>
    public string? Code { get; } = code;
    /// <summary>Every field at fault with its message, so a form shows them all at once; the first is <see cref="Field"/>.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; private init; } =
        field is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [field] = message };

    public static PortalException NotFound(string what) => new(PortalErrorKind.NotFound, $"{what} was not found.", code: "not_found");
    public static PortalException Invalid(string message, string? field = null, string? code = null) => new(PortalErrorKind.Invalid, message, field, code);
    public static PortalException Invalid(IReadOnlyDictionary<string, string> errors)
    {
        var (field, message) = errors.First();
        return new(
            PortalErrorKind.Invalid, errors.Count == 1 ? message : string.Join(" ", errors.Values), field.Length == 0 ? null : field) { Errors = errors };
    }

    public static PortalException Conflict(string message, string? code = null) => new(PortalErrorKind.Conflict, message, code: code);
}
