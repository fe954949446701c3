using Microsoft.AspNetCore.Identity;

namespace RewardPortal.Core.Identity;

/// <summary>
/// Identity's password complaints ("Passwords must have at least one non alphanumeric character.") as one plain
/// sentence a person can act on: "The password needs a symbol (such as ! or -) and a digit (0-9)."
/// </summary>
public static class PasswordMessages
{
    public static bool IsAboutPassword(IdentityError error) => error.Code.StartsWith("Password", StringComparison.Ordinal);

    public static string Describe(IEnumerable<IdentityError> errors, PasswordOptions options)
    {
        var needs = new List<string>();
        foreach (var error in errors.Where(IsAboutPassword))
        {
            var need = error.Code switch
            {
                nameof(IdentityErrorDescriber.PasswordTooShort) => $"at least {options.RequiredLength} characters",
                nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => $"at least {options.RequiredUniqueChars} different characters",
                nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => "a symbol (such as ! or -)",
                nameof(IdentityErrorDescriber.PasswordRequiresDigit) => "a digit (0-9)",
                nameof(IdentityErrorDescriber.PasswordRequiresLower) => "a lower-case letter",
                nameof(IdentityErrorDescriber.PasswordRequiresUpper) => "an upper-case letter",
                nameof(IdentityErrorDescriber.PasswordMismatch) => null,
                _ => error.Description,
            };
            if (need is not null && !needs.Contains(need))
                needs.Add(need);
        }
        return needs.Count switch
        {
            0 => "Choose another password.",
            1 => $"The password needs {needs[0]}.",
            _ => $"The password needs {string.Join(", ", needs[..^1])} and {needs[^1]}.",
        };
    }

    /// <summary>The rules before anyone breaks one, for the helper text under a password field.</summary>
    public static string Rules(PasswordOptions o)
    {
        var needs = new List<string>();
        if (o.RequireUppercase) needs.Add("an upper-case letter");
        if (o.RequireLowercase) needs.Add("a lower-case letter");
        if (o.RequireDigit) needs.Add("a digit (0-9)");
        if (o.RequireNonAlphanumeric) needs.Add("a symbol (such as ! or -)");
        return needs.Count == 0 ? $"At least {o.RequiredLength} characters." : $"At least {o.RequiredLength} characters, with {string.Join(", ", needs)}.";
    }
}
