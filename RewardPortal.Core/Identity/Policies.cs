namespace RewardPortal.Core.Identity;

/// <summary>Authorization policy names, one per group of pages and API routes.</summary>
public static class Policies
{
    /// <summary>Owner only: webhooks (create, edit, secrets) and API keys.</summary>
    public const string Owner = "Owner";
    /// <summary>Owner and Admin: rewards, participants, users, email notifications, the Hangfire dashboard.</summary>
    public const string Admin = "Admin";
    /// <summary>Owner, Admin and Team member: redemptions queue, deliveries (read), dashboard.</summary>
    public const string Staff = "Staff";
    /// <summary>Participants: the Portal.</summary>
    public const string Participant = "Participant";
}
