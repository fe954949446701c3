using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Identity;

/// <summary>
/// Who may hold a session: not a disabled user, and not the sign-in of a suspended participant. Sign-in, cookie
/// validation and open circuits all ask this one question, so ending someone's access ends it everywhere.
/// </summary>
public static class PortalAccess
{
    public static async Task<bool> MaySignInAsync(RewardPortalDbContext db, AppUser user, CancellationToken cancellationToken = default) =>
        !user.IsDisabled && !await db.Participants.AnyAsync(p => p.UserId == user.Id && p.IsSuspended, cancellationToken);
}
