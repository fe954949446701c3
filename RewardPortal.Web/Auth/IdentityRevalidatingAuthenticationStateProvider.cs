using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

/// <summary>
/// Checks an open circuit's user against the database every interval: a user who was disabled, a participant who was
/// suspended, or a user whose security stamp changed (password reset), loses the circuit's authentication instead of keeping it until the tab closes.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> identityOptions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>As often as cookies are checked (WebApplicationBuilderExtensions sets SecurityStampValidatorOptions to match).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = authenticationState.User;
        var user = await users.GetUserAsync(principal);
        if (user is null || !await PortalAccess.MaySignInAsync(scope.ServiceProvider.GetRequiredService<RewardPortalDbContext>(), user, cancellationToken))
            return false;
        if (!users.SupportsUserSecurityStamp)
            return true;
        var stamp = principal.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
