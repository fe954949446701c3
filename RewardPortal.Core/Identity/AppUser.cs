using Microsoft.AspNetCore.Identity;

namespace RewardPortal.Core.Identity;

public class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public bool IsDisabled { get; set; }
    public DateTime CreatedAt { get; set; }
}
