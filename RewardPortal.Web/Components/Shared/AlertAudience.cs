using Microsoft.AspNetCore.Components.Authorization;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Components.Shared;

internal static class AlertAudience
{
    /// <summary>The alert audiences a user sees: the Owner sees Owner-only alerts too.</summary>
    public static async Task<string[]> ForAsync(Task<AuthenticationState> state)
    {
        var user = (await state).User;
        if (user.IsInRole(Roles.Owner))
            return [Roles.Owner, Roles.Admin];
        return user.IsInRole(Roles.Admin) ? [Roles.Admin] : [];
    }
}
