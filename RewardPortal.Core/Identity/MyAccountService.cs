using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Identity;

/// <summary>A signed-in user's own account (My account): who they are, and changing their password.</summary>
public sealed class MyAccountService(IServiceScopeFactory scopes)
{
    public async Task<AccountSummary> GetAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw PortalException.NotFound("Your account");
        var roles = await users.GetRolesAsync(user);
        var role = Roles.All.FirstOrDefault(roles.Contains) ?? "";
        return new AccountSummary(user.DisplayName, user.Email ?? "", Roles.DisplayName(role), user.MustChangePassword);
    }

    /// <summary>Whether the user must replace their password before anything else; false for a user who is gone.</summary>
    public async Task<bool> MustChangePasswordAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(userId);
        return user?.MustChangePassword == true;
    }

    /// <summary>
    /// Checks every field first (all problems at once), then changes the password. The security stamp changes with it,
    /// which ends the user's other sessions; the caller signs this one in again.
    /// </summary>
    public async Task ChangePasswordAsync(string userId, PasswordChange change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw PortalException.NotFound("Your account");

        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(change.CurrentPassword))
            errors.Add(PasswordChange.Current, "Type your current password.");
        else if (!await users.CheckPasswordAsync(user, change.CurrentPassword))
            errors.Add(PasswordChange.Current, "This is not your current password.");
        if (await UserAdministrationService.PasswordProblemAsync(users, change.NewPassword ?? "", user) is { } problem)
            errors.Add(PasswordChange.New, problem);
        else if (change.NewPassword == change.CurrentPassword)
            errors.Add(PasswordChange.New, "Choose a password other than the current one.");
        if (change.Confirmation != change.NewPassword)
            errors.Add(PasswordChange.Confirm, "The two new passwords differ.");
        errors.ThrowIfAny();

        // Saved with the new password, or not at all.
        user.MustChangePassword = false;
        var result = await users.ChangePasswordAsync(user, change.CurrentPassword!, change.NewPassword!);
        if (!result.Succeeded)
            throw PortalException.Invalid(PasswordMessages.Describe(result.Errors, users.Options.Password), PasswordChange.New);
        var db = scope.ServiceProvider.GetRequiredService<RewardPortalDbContext>();
        db.Audit(user.Email ?? user.Id, "account.password_changed", nameof(AppUser), user.Id, user.Email);
        await db.SaveChangesAsync();
    }
}

public record AccountSummary(string Name, string Email, string Role, bool MustChangePassword);

public record PasswordChange(string? CurrentPassword, string? NewPassword, string? Confirmation)
{
    public const string Current = "currentPassword", New = "newPassword", Confirm = "confirmation";
}
