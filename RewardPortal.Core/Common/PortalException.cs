namespace RewardPortal.Core.Common;

public enum PortalErrorKind
{
    /// <summary>The input breaks a rule (HTTP 422 / a form message).</summary>
    Invalid,
    /// <summary>The thing asked for does not exist (HTTP 404).</summary>
    NotFound,
    /// <summary>The state has moved on: decided already, out of stock, a key reused (HTTP 409).</summary>
    Conflict,
}

/// <summary>A rule the user can act on. Its message is written for people: screens show it, the API returns it as problem details.</summary>
public sealed class PortalException(PortalErrorKind kind, string message, string? field = null) : Exception(message)
{
    public PortalErrorKind Kind { get; } = kind;
    /// <summary>The input field at fault, where there is one (camelCase, as the API names it).</summary>
    public string? Field { get; } = field;

    public static PortalException NotFound(string what) => new(PortalErrorKind.NotFound, $"{what} was not found.");
    public static PortalException Invalid(string message, string? field = null) => new(PortalErrorKind.Invalid, message, field);
    public static PortalException Conflict(string message) => new(PortalErrorKind.Conflict, message);
}
