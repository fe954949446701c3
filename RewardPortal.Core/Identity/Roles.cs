namespace RewardPortal.Core.Identity;

/// <summary>The four roles of the outside contract.</summary>
public static class Roles
{
    public const string Owner = "Owner";
    public const string Admin = "Admin";
    public const string TeamMember = "TeamMember";
    public const string Participant = "Participant";

    public static readonly IReadOnlyList<string> All = [Owner, Admin, TeamMember, Participant];
    /// <summary>Roles that work in the admin screens (Settings > Users manages these).</summary>
    public static readonly IReadOnlyList<string> Staff = [Owner, Admin, TeamMember];

    public static string DisplayName(string role) => role == TeamMember ? "Team member" : role;
}
