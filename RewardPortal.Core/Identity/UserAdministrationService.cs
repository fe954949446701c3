using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Identity;

/// <summary>
/// Settings > Users: team members and Admins with their own passwords, and participants' Portal sign-ins.
/// Admins manage team members; only the Owner grants, changes or removes the Admin role; nobody makes another Owner here.
/// Each call runs in a scope of its own (UserManager holds a DbContext), and every change is audited in the same transaction.
/// </summary>
public sealed class UserAdministrationService(IServiceScopeFactory scopes, EventRecorder events, IDeliverySignal signal, TimeProvider clock)
{
    /// <summary>The roles this screen hands out.</summary>
    public static readonly IReadOnlyList<string> AssignableRoles = [Roles.Admin, Roles.TeamMember];

    public async Task<List<StaffUser>> ListStaffAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RewardPortalDbContext>();
        var rows = await (
                from user in db.Users.AsNoTracking()
                join userRole in db.UserRoles on user.Id equals userRole.UserId
                join role in db.Roles on userRole.RoleId equals role.Id
                where role.Name == Roles.Owner || role.Name == Roles.Admin || role.Name == Roles.TeamMember
                select new { user.Id, user.DisplayName, user.Email, Role = role.Name!, user.IsDisabled, user.CreatedAt })
            .ToListAsync(cancellationToken);
        // A user holds one staff role; should one hold two, the higher one is shown.
        return rows.GroupBy(r => r.Id)
            .Select(g => g.OrderBy(r => Rank(r.Role)).First())
            .Select(r => new StaffUser(r.Id, r.DisplayName, r.Email ?? "", r.Role, r.IsDisabled, r.CreatedAt))
            .OrderBy(u => Rank(u.Role)).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<StaffUser> CreateAsync(NewStaffUser input, string actorId, CancellationToken cancellationToken = default)
    {
        var name = input.Name?.Trim() ?? "";
        var email = input.Email?.Trim() ?? "";
        await using var work = await BeginAsync(actorId, cancellationToken);
        // Every field is checked before anything is saved, so one Save shows every problem.
        var errors = new ValidationErrors();
        errors.Check(() => ValidateName(name));
        errors.Check(() => ValidateEmail(email));
        errors.Check(() => CheckRole(input.Role, work.ActorIsOwner, "Only the Owner may create Admins."));
        if (await PasswordProblemAsync(work.Users, input.Password ?? "") is { } problem)
            errors.Add("password", problem);
        if (!errors.Has("email") && await work.Users.FindByEmailAsync(email) is not null)
            errors.Add("email", $"The email {email} is already taken: someone signs in with it.");
        errors.ThrowIfAny();

        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = clock.GetUtcNow().UtcDateTime };
        Check(await work.Users.CreateAsync(user, input.Password ?? ""), work.Users);
        Check(await work.Users.AddToRoleAsync(user, input.Role), work.Users);
        await work.CommitAsync("user.created", user.Id, $"{email} as {Roles.DisplayName(input.Role)}", cancellationToken);
        return new StaffUser(user.Id, name, email, input.Role, false, user.CreatedAt);
    }

    public async Task UpdateAsync(string userId, StaffUserChanges changes, string actorId, CancellationToken cancellationToken = default)
    {
        var name = changes.Name?.Trim() ?? "";
        ValidateName(name);
        await using var work = await BeginAsync(actorId, cancellationToken);
        var (user, role) = await work.StaffAsync(userId);
        if (user.Id != work.Actor.Id)
            CheckMayManage(role, work.ActorIsOwner);
        var details = new List<string>();
        if (role != changes.Role)
        {
            if (role == Roles.Owner)
                throw PortalException.Invalid("The Owner stays the Owner.", "role");
            CheckMayManage(role, work.ActorIsOwner);
            CheckRole(changes.Role, work.ActorIsOwner, "Only the Owner may make someone an Admin.");
            Check(await work.Users.RemoveFromRoleAsync(user, role), work.Users);
            Check(await work.Users.AddToRoleAsync(user, changes.Role), work.Users);
            // Open sessions carry the old role: a new stamp makes them sign in again with the new one.
            Check(await work.Users.UpdateSecurityStampAsync(user), work.Users);
            details.Add($"role: {Roles.DisplayName(role)} -> {Roles.DisplayName(changes.Role)}");
        }
        if (user.DisplayName != name)
        {
            details.Add($"name: {user.DisplayName} -> {name}");
            user.DisplayName = name;
            Check(await work.Users.UpdateAsync(user), work.Users);
        }
        await work.CommitAsync("user.updated", user.Id, details.Count == 0 ? "no changes" : string.Join("; ", details), cancellationToken);
    }

    /// <summary>
    /// A disabled user cannot sign in, and the new security stamp ends the sessions already open: cookies and circuits are
    /// checked against it (see the web app's security stamp interval).
    /// </summary>
    public async Task SetDisabledAsync(string userId, bool disabled, string actorId, CancellationToken cancellationToken = default)
    {
        await using var work = await BeginAsync(actorId, cancellationToken);
        var (user, role) = await work.StaffAsync(userId);
        if (role == Roles.Owner)
            throw PortalException.Invalid("The Owner can't be disabled.", "userId");
        if (user.Id == work.Actor.Id)
            throw PortalException.Invalid("You can't disable yourself.", "userId");
        CheckMayManage(role, work.ActorIsOwner);
        if (user.IsDisabled == disabled)
            return;
        user.IsDisabled = disabled;
        Check(await work.Users.UpdateAsync(user), work.Users);
        Check(await work.Users.UpdateSecurityStampAsync(user), work.Users);
        await work.CommitAsync(disabled ? "user.disabled" : "user.enabled", user.Id, user.Email, cancellationToken);
    }

    /// <summary>Sets a new password chosen by an admin (checked against the password rules) and ends the user's sessions.</summary>
    public async Task ResetPasswordAsync(string userId, string newPassword, string actorId, CancellationToken cancellationToken = default)
    {
        await using var work = await BeginAsync(actorId, cancellationToken);
        var (user, role) = await work.StaffAsync(userId);
        if (role == Roles.Owner && user.Id != work.Actor.Id)
            throw PortalException.Invalid("Only the Owner sets the Owner's password.", "userId");
        if (user.Id != work.Actor.Id)
            CheckMayManage(role, work.ActorIsOwner);
        var token = await work.Users.GeneratePasswordResetTokenAsync(user);
        Check(await work.Users.ResetPasswordAsync(user, token, newPassword ?? ""), work.Users);
        await work.CommitAsync("user.password_reset", user.Id, user.Email, cancellationToken);
    }

    /// <summary>
    /// What the password rules say against a password, in plain words, or null when it passes (for a form to check before it
    /// saves anything).
    /// </summary>
    public async Task<string?> CheckPasswordAsync(string password)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await PasswordProblemAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), password ?? "");
    }

    internal static async Task<string?> PasswordProblemAsync(UserManager<AppUser> users, string password, AppUser? user = null)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
            errors.AddRange((await validator.ValidateAsync(users, user ?? new AppUser(), password)).Errors);
        return errors.Count == 0 ? null : PasswordMessages.Describe(errors, users.Options.Password);
    }

    /// <summary>Sets a new Portal password for a participant (checked against the password rules) and ends their open sessions.</summary>
    public async Task ResetParticipantPasswordAsync(long participantId, string newPassword, string actorId, CancellationToken cancellationToken = default)
    {
        await using var work = await BeginAsync(actorId, cancellationToken);
        var (participant, user) = await work.ParticipantSignInAsync(participantId, cancellationToken);
        var token = await work.Users.GeneratePasswordResetTokenAsync(user);
        Check(await work.Users.ResetPasswordAsync(user, token, newPassword ?? ""), work.Users);
        work.Db.Audit(work.ActorName, "participant.password_reset", nameof(Participant), participant.Id, participant.Email);
        await work.CommitAsync(null, null, null, cancellationToken);
    }

    /// <summary>
    /// Takes a participant's Portal sign-in away: the user is deleted (the participant, balances and history stay), so they
    /// cannot sign in and an open session ends at its next check. A sign-in can be given again later.
    /// </summary>
    public async Task RevokeParticipantSignInAsync(long participantId, string actorId, CancellationToken cancellationToken = default)
    {
        await using var work = await BeginAsync(actorId, cancellationToken);
        var (participant, user) = await work.ParticipantSignInAsync(participantId, cancellationToken);
        participant.UserId = null;
        await work.Db.SaveChangesAsync(cancellationToken);
        Check(await work.Users.DeleteAsync(user), work.Users);
        work.Db.Audit(work.ActorName, "participant.sign_in_revoked", nameof(Participant), participant.Id, participant.Email);
        await RecordAccessChangeAsync(work.Db, participant, ParticipantStatusChange.PortalAccessRevoked, cancellationToken);
        await work.CommitAsync(null, null, null, cancellationToken);
        signal.DeliveriesWritten();
    }

    /// <summary>Lets a participant sign in to the Portal with their email and this initial password.</summary>
    public async Task CreateParticipantSignInAsync(long participantId, string password, string actorId, CancellationToken cancellationToken = default)
    {
        await using var work = await BeginAsync(actorId, cancellationToken);
        var participant = await work.Db.Participants.FirstOrDefaultAsync(p => p.Id == participantId, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        if (participant.UserId is not null)
            throw PortalException.Conflict("This participant can already sign in.", "already_has_sign_in");

        var user = new AppUser
        {
            UserName = participant.Email, Email = participant.Email, EmailConfirmed = true, DisplayName = participant.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        Check(await work.Users.CreateAsync(user, password ?? ""), work.Users);
        Check(await work.Users.AddToRoleAsync(user, Roles.Participant), work.Users);
        participant.UserId = user.Id;
        work.Db.Audit(work.ActorName, "participant.sign_in_created", nameof(Participant), participant.Id, participant.Email);
        await RecordAccessChangeAsync(work.Db, participant, ParticipantStatusChange.PortalAccessGranted, cancellationToken);
        await work.CommitAsync(null, null, null, cancellationToken);
        signal.DeliveriesWritten();
    }

    private Task RecordAccessChangeAsync(
        RewardPortalDbContext db, Participant participant, ParticipantStatusChange change, CancellationToken cancellationToken) =>
        events.RecordAsync(db, EventTypes.ParticipantStatusChanged, new ParticipantStatusEventData(ParticipantPayload.Of(participant), change),
            new EventSubject(ParticipantId: participant.Id), cancellationToken);

    private static int Rank(string role) => role switch { Roles.Owner => 0, Roles.Admin => 1, _ => 2 };

    private static void ValidateName(string name)
    {
        if (name.Length is 0 or > 200)
            throw PortalException.Invalid("Give a name of 1 to 200 characters.", "name");
        TextRules.RequireSingleLine(name, "name", "The name");
    }

    private static void ValidateEmail(string email)
    {
        if (email.Length > 256 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length == 0)
            throw PortalException.Invalid("Give a valid email address.", "email");
    }

    private static void CheckRole(string role, bool actorIsOwner, string ownerOnlyMessage)
    {
        if (role == Roles.Owner)
            throw PortalException.Invalid("There is one Owner; nobody becomes Owner here.", "role");
        if (!AssignableRoles.Contains(role))
            throw PortalException.Invalid("Choose Admin or Team member.", "role");
        if (role == Roles.Admin && !actorIsOwner)
            throw PortalException.Invalid(ownerOnlyMessage, "role");
    }

    private static void CheckMayManage(string targetRole, bool actorIsOwner)
    {
        if (targetRole == Roles.Owner || (targetRole == Roles.Admin && !actorIsOwner))
            throw PortalException.Invalid($"Only the Owner may change {(targetRole == Roles.Owner ? "the Owner" : "an Admin")}.", "role");
    }

    /// <summary>Identity's complaints, named by the form field they are about; password rules in plain words.</summary>
    private static void Check(IdentityResult result, UserManager<AppUser> users)
    {
        if (result.Succeeded)
            return;
        var first = result.Errors.First();
        var field = first.Code switch
        {
            _ when first.Code.StartsWith("Password", StringComparison.Ordinal) => "password",
            _ when first.Code.Contains("Email", StringComparison.Ordinal) || first.Code.Contains("UserName", StringComparison.Ordinal) => "email",
            _ when first.Code.Contains("Role", StringComparison.Ordinal) => "role",
            _ => null,
        };
        // Every broken password rule is worth showing; a taken email is reported once (it is also the user name).
        var message = field == "password"
            ? PasswordMessages.Describe(result.Errors, users.Options.Password)
            : (result.Errors.FirstOrDefault(e => e.Code == "DuplicateEmail") ?? first).Description;
        throw PortalException.Invalid(message, field);
    }

    private async Task<Work> BeginAsync(string actorId, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<RewardPortalDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var actor = await users.FindByIdAsync(actorId);
            if (actor is null || actor.IsDisabled)
                throw PortalException.Invalid("Sign in again: your account was not found or is disabled.");
            var isOwner = await users.IsInRoleAsync(actor, Roles.Owner);
            if (!isOwner && !await users.IsInRoleAsync(actor, Roles.Admin))
                throw PortalException.Invalid("Only the Owner and Admins manage users.");
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return new Work(scope, db, users, actor, isOwner, transaction);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>One administrative change: a scope, a transaction, and the actor it is done by.</summary>
    private sealed class Work(AsyncServiceScope scope, RewardPortalDbContext db, UserManager<AppUser> users, AppUser actor, bool actorIsOwner,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction) : IAsyncDisposable
    {
        public RewardPortalDbContext Db => db;
        public UserManager<AppUser> Users => users;
        public AppUser Actor => actor;
        public bool ActorIsOwner => actorIsOwner;
        public string ActorName => actor.Email ?? actor.UserName ?? actor.Id;

        /// <summary>The user and their staff role; participants and unknown ids are not this screen's.</summary>
        public async Task<(AppUser User, string Role)> StaffAsync(string userId)
        {
            var user = await users.FindByIdAsync(userId) ?? throw PortalException.NotFound("The user");
            var roles = await users.GetRolesAsync(user);
            var role = roles.Where(r => r is Roles.Owner or Roles.Admin or Roles.TeamMember).OrderBy(Rank).FirstOrDefault()
                ?? throw PortalException.NotFound("The team member");
            return (user, role);
        }

        /// <summary>A participant and the user they sign in as; a participant without a sign-in has nothing to reset or revoke.</summary>
        public async Task<(Participant Participant, AppUser User)> ParticipantSignInAsync(long participantId, CancellationToken cancellationToken)
        {
            var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == participantId, cancellationToken)
                ?? throw PortalException.NotFound("The participant");
            var user = participant.UserId is null ? null : await users.FindByIdAsync(participant.UserId);
            return (participant, user ?? throw PortalException.Invalid("This participant has no Portal sign-in.", code: "no_sign_in"));
        }

        public async Task CommitAsync(string? action, string? userId, string? details, CancellationToken cancellationToken)
        {
            if (action is not null)
                db.Audit(ActorName, action, nameof(AppUser), userId, details);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // A disabled user's or a changed role's API keys stop acting as before on this node now, elsewhere within seconds.
            if (userId is not null)
                scope.ServiceProvider.GetService<ApiKeys.ApiKeyAuthenticator>()?.ForgetUser(userId);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }
}
