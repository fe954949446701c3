using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace RewardPortal.Web.Components.Shared;

/// <summary>Who is signed in, as the services want it: an id, and a name for audit entries.</summary>
public record CurrentUser(string Id, string Name, ClaimsPrincipal Principal)
{
    public static async Task<CurrentUser> FromAsync(Task<AuthenticationState> state)
    {
        var user = (await state).User;
        return new CurrentUser(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "", user.Identity?.Name ?? "unknown", user);
    }
}
