using Microsoft.AspNetCore.Identity;

namespace RewardPortal.Web.Components.Shared;

/// <summary>Identity's password options as a sentence for a form's helper text; Identity itself still judges.</summary>
public static class PasswordRules
{
    public static string Describe(PasswordOptions o)
    {
        var needs = new List<string>();
        if (o.RequireUppercase) needs.Add("an upper-case letter");
        if (o.RequireLowercase) needs.Add("a lower-case letter");
        if (o.RequireDigit) needs.Add("a digit");
        if (o.RequireNonAlphanumeric) needs.Add("a symbol");
        return needs.Count == 0 ? $"At least {o.RequiredLength} characters." : $"At least {o.RequiredLength} characters, with {string.Join(", ", needs)}.";
    }
}
