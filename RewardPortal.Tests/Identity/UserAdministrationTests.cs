using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Identity;

/// <summary>Settings > Users against the whole app: the rules in the service, and sign-in through the real form.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class UserAdministrationTests(UserAdministrationTests.Fixture fixture) : IClassFixture<UserAdministrationTests.Fixture>
{
    private const string Password = "Staff-Passw0rd!";
    private UserAdministrationService Users => fixture.Factory.Services.GetRequiredService<UserAdministrationService>();

    [Fact]
    public async Task AnAdminCannotCreateAnAdminButTheOwnerCanAndTheySignInWithTheirOwnPassword()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-creator@test.local", Roles.Admin);

        var refused = await Assert.ThrowsAsync<PortalException>(
            () => Users.CreateAsync(new NewStaffUser("Second Admin", "second-admin@test.local", Roles.Admin, Password), admin));
        var created = await Users.CreateAsync(new NewStaffUser("Second Admin", "second-admin@test.local", Roles.Admin, Password), await fixture.OwnerIdAsync());

        Assert.Equal(("role", "Only the Owner may create Admins."), (refused.Field, refused.Message));
        Assert.Equal(Roles.Admin, created.Role);
        var client = await fixture.Factory.ClientForAsync("second-admin@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settings/users")).StatusCode);
    }

    [Fact]
    public async Task ATeamMemberCreatedByAnAdminSignsInToTheQueueButNotTheAdminScreens()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-hiring@test.local", Roles.Admin);

        await Users.CreateAsync(new NewStaffUser("Taylor", "taylor@test.local", Roles.TeamMember, Password), admin);

        var client = await fixture.Factory.ClientForAsync("taylor@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/redemptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/settings/users")).StatusCode);
        var listed = (await Users.ListStaffAsync()).Single(u => u.Email == "taylor@test.local");
        Assert.Equal(("Taylor", Roles.TeamMember, false), (listed.Name, listed.Role, listed.IsDisabled));
    }

    [Fact]
    public async Task APasswordThatBreaksTheRulesIsRefusedWithEveryRuleOnThePasswordField()
    {
        var owner = await fixture.OwnerIdAsync();

        var error = await Assert.ThrowsAsync<PortalException>(
            () => Users.CreateAsync(new NewStaffUser("Weak", "weak@test.local", Roles.TeamMember, "short"), owner));

        Assert.Equal("password", error.Field);
        Assert.Contains("at least 10 characters", error.Message);
        Assert.Contains("digit", error.Message);
        Assert.Contains("upper-case letter", error.Message);
        Assert.DoesNotContain(await Users.ListStaffAsync(), u => u.Email == "weak@test.local");
    }

    [Fact]
    public async Task ATakenEmailIsRefusedOnTheEmailField()
    {
        var owner = await fixture.OwnerIdAsync();

        var error = await Assert.ThrowsAsync<PortalException>(
            () => Users.CreateAsync(new NewStaffUser("Copy", PortalFactory.OwnerEmail, Roles.TeamMember, Password), owner));

        Assert.Equal("email", error.Field);
        Assert.Contains("already taken", error.Message);
    }

    [Fact]
    public async Task NobodyBecomesOwnerAndOnlyTheOwnerChangesAdmins()
    {
        var owner = await fixture.OwnerIdAsync();
        var admin = await fixture.Factory.CreateUserAsync("admin-rules@test.local", Roles.Admin);
        var otherAdmin = await fixture.Factory.CreateUserAsync("admin-other@test.local", Roles.Admin);
        var member = (await Users.CreateAsync(new NewStaffUser("Member", "member-rules@test.local", Roles.TeamMember, Password), admin)).Id;

        await AssertRefusedAsync("role", () => Users.CreateAsync(new NewStaffUser("Boss", "boss@test.local", Roles.Owner, Password), owner));
        await AssertRefusedAsync("role", () => Users.UpdateAsync(member, new StaffUserChanges("Member", Roles.Owner), owner));
        await AssertRefusedAsync("role", () => Users.UpdateAsync(member, new StaffUserChanges("Member", Roles.Admin), admin));
        await AssertRefusedAsync("role", () => Users.UpdateAsync(otherAdmin, new StaffUserChanges("Renamed", Roles.Admin), admin));
        await AssertRefusedAsync("role", () => Users.SetDisabledAsync(otherAdmin, true, admin));
        await AssertRefusedAsync("userId", () => Users.SetDisabledAsync(owner, true, admin));
        await AssertRefusedAsync("userId", () => Users.SetDisabledAsync(admin, true, admin));

        await Users.UpdateAsync(member, new StaffUserChanges("Member Renamed", Roles.TeamMember), admin);
        await Users.UpdateAsync(member, new StaffUserChanges("Member Renamed", Roles.Admin), owner);
        var promoted = (await Users.ListStaffAsync()).Single(u => u.Id == member);
        Assert.Equal(("Member Renamed", Roles.Admin), (promoted.Name, promoted.Role));
    }

    [Fact]
    public async Task ADisabledUserCannotSignInUntilEnabledAgain()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-disabler@test.local", Roles.Admin);
        var member = (await Users.CreateAsync(new NewStaffUser("Leaver", "leaver@test.local", Roles.TeamMember, Password), admin)).Id;

        await Users.SetDisabledAsync(member, true, admin);
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Factory.ClientForAsync("leaver@test.local", Password));
        await Users.SetDisabledAsync(member, false, admin);

        await fixture.Factory.ClientForAsync("leaver@test.local", Password);
        await using var db = await fixture.Factory.CreateDbContextAsync();
        var actions = await db.AuditEntries.Where(a => a.EntityId == member).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["user.created", "user.disabled", "user.enabled"], actions);
        Assert.All(await db.AuditEntries.Where(a => a.EntityId == member).ToListAsync(), a => Assert.Equal("admin-disabler@test.local", a.Actor));
    }

    [Fact]
    public async Task DisablingEndsASessionThatIsAlreadyOpen()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-session@test.local", Roles.Admin);
        var member = (await Users.CreateAsync(new NewStaffUser("Signed In", "signed-in@test.local", Roles.TeamMember, Password), admin)).Id;
        var client = await fixture.Factory.ClientForAsync("signed-in@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/redemptions")).StatusCode);

        await Users.SetDisabledAsync(member, true, admin);

        var after = await client.GetAsync("/admin/redemptions");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task ADemotedAdminsOpenSessionLosesTheAdminScreens()
    {
        var owner = await fixture.OwnerIdAsync();
        var admin = (await Users.CreateAsync(new NewStaffUser("Demoted", "demoted@test.local", Roles.Admin, Password), owner)).Id;
        var client = await fixture.Factory.ClientForAsync("demoted@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settings/users")).StatusCode);

        await Users.UpdateAsync(admin, new StaffUserChanges("Demoted", Roles.TeamMember), owner);

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/settings/users")).StatusCode);
        var again = await fixture.Factory.ClientForAsync("demoted@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/admin/redemptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync("/settings/users")).StatusCode);
    }

    [Fact]
    public async Task AResetPasswordEndsTheOldSessionAndTheNewPasswordSignsIn()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-reset@test.local", Roles.Admin);
        var member = (await Users.CreateAsync(new NewStaffUser("Forgetful", "forgetful@test.local", Roles.TeamMember, Password), admin)).Id;
        var client = await fixture.Factory.ClientForAsync("forgetful@test.local", Password);

        await AssertRefusedAsync("password", () => Users.ResetPasswordAsync(member, "weak", admin));
        await Users.ResetPasswordAsync(member, "Brand-New-Passw0rd!", admin);

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/redemptions")).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Factory.ClientForAsync("forgetful@test.local", Password));
        await fixture.Factory.ClientForAsync("forgetful@test.local", "Brand-New-Passw0rd!");
    }

    [Fact]
    public async Task AParticipantGivenASignInReachesThePortalOnce()
    {
        var admin = await fixture.Factory.CreateUserAsync("admin-portal@test.local", Roles.Admin);
        var participants = fixture.Factory.Services.GetRequiredService<ParticipantService>();
        var participant = await participants.CreateAsync(new NewParticipant { Name = "Pat", Email = "pat@test.local" }, "admin-portal@test.local");

        await Users.CreateParticipantSignInAsync(participant.Id, Password, admin);
        var again = await Assert.ThrowsAsync<PortalException>(() => Users.CreateParticipantSignInAsync(participant.Id, Password, admin));

        Assert.Equal(PortalErrorKind.Conflict, again.Kind);
        var client = await fixture.Factory.ClientForAsync("pat@test.local", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal")).StatusCode);
        Assert.DoesNotContain(await Users.ListStaffAsync(), u => u.Email == "pat@test.local");
    }

    private static async Task AssertRefusedAsync(string field, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<PortalException>(action);
        Assert.Equal(field, error.Field);
    }

    /// <summary>The app with the security stamp checked on every request, so a test sees a session end without waiting a minute.</summary>
    public sealed class Fixture : IDisposable
    {
        public PortalFactory Factory { get; } = new ImmediateStampCheckFactory();

        public async Task<string> OwnerIdAsync()
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(PortalFactory.OwnerEmail))!.Id;
        }

        public void Dispose() => Factory.Dispose();
    }

    private sealed class ImmediateStampCheckFactory : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        }
    }
}
