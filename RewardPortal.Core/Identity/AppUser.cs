using Microsoft.AspNetCore.Identity;

namespace RewardPortal.Core.Identity;

public class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public bool IsDisabled { get; set; }
    /// <summary>Set when someone else knows the password (the Owner's generated one): the user is sent to My account until they replace it.</summary>
    public bool MustChangePassword { get; set; }
    public DateTime CreatedAt { get; set; }
}
