using RewardPortal.Core.Identity;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>The web app's authorization policies as roles (WebApplicationBuilderExtensions), for bUnit's fake authorization.</summary>
public static class RolePolicies
{
    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>
    {
        [Policies.Owner] = [Core.Identity.Roles.Owner],
        [Policies.Admin] = [Core.Identity.Roles.Owner, Core.Identity.Roles.Admin],
        [Policies.Staff] = [Core.Identity.Roles.Owner, Core.Identity.Roles.Admin, Core.Identity.Roles.TeamMember],
        [Policies.Participant] = [Core.Identity.Roles.Participant],
    };

    /// <summary>The policies a user holding these roles meets.</summary>
    public static string[] For(params string[] roles) =>
        Roles.Where(p => p.Value.Intersect(roles).Any()).Select(p => p.Key).ToArray();
}
