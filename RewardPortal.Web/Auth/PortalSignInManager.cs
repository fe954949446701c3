using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Web.Auth;

/// <summary>
/// Identity's sign-in with <see cref="PortalAccess"/> added: a suspended participant or a disabled user is refused at
/// sign-in, and a cookie they already hold stops working at its next security stamp check (within a minute).
/// </summary>
public sealed class PortalSignInManager(
    UserManager<AppUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<AppUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation, RewardPortalDbContext db)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) =>
        await PortalAccess.MaySignInAsync(db, user) && await base.CanSignInAsync(user);

    public override async Task<AppUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is not null && await PortalAccess.MaySignInAsync(db, user) ? user : null;
    }
}
