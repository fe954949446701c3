namespace RewardPortal.Core.Identity;

/// <summary>A team member, Admin or the Owner, as Settings > Users lists them (and the email recipient pick list offers them).</summary>
public record StaffUser(string Id, string Name, string Email, string Role, bool IsDisabled, DateTime CreatedAt);

public record NewStaffUser(string Name, string Email, string Role, string Password);

public record StaffUserChanges(string Name, string Role);
