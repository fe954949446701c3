using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Settings;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class UsersPageTests : AdminComponentTest
{
    [Fact]
    public async Task TheListShowsTheOwnerAdminsAndTeamMembersButNoParticipants()
    {
        await CreateUserAsync("owner@test.local", Roles.Owner, "Olive Owner");
        await CreateUserAsync("team@test.local", Roles.TeamMember, "Taylor Team");
        await CreateUserAsync("participant@test.local", Roles.Participant, "Pat Participant");

        var page = Render<Web.Components.Pages.Settings.Users>();

        page.WaitForAssertion(() => Assert.Equal(["Olive Owner", "admin", "Taylor Team"], page.FindAll("[data-testid=user-name]").Select(c => c.TextContent)));
        Assert.Equal(["Owner", "Admin", "Team member"], page.FindAll("[data-testid=user-role]").Select(c => c.TextContent));
        // The Owner's row offers nothing to an Admin, and nobody disables themselves.
        Assert.Single(page.FindAll("[data-testid=toggle-user]"));
        Assert.Equal(2, page.FindAll("[data-testid=edit-user]").Count);
    }

    [Fact]
    public async Task AnAdminChoosingTheAdminRoleSeesWhyOnTheRoleField()
    {
        var dialog = await OpenDialogAsync<UserDialog>();
        dialog.WaitForElement("[data-testid=user-save]");
        dialog.Find("[data-testid=user-name-input]").Change("Second Admin");
        dialog.Find("[data-testid=user-email-input]").Change("second@test.local");
        dialog.Find("[data-testid=user-password-input]").Change(TestUsers.Password);
        await ChooseAsync(dialog, "user-role-input", "Admin");

        dialog.Find("[data-testid=user-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Only the Owner may create Admins.", FieldText(dialog, "user-role-input")));
    }

    [Fact]
    public async Task SaveShowsEveryProblemAtOnceWithThePasswordRulesInPlainWords()
    {
        var dialog = await OpenDialogAsync<UserDialog>();
        dialog.WaitForElement("[data-testid=user-save]");
        Assert.Contains(
            "At least 10 characters, with an upper-case letter, a lower-case letter, a digit (0-9), a symbol (such as ! or -).",
            FieldText(dialog, "user-password-input"));
        dialog.Find("[data-testid=user-email-input]").Change("not an email");
        dialog.Find("[data-testid=user-password-input]").Change("passwordpassword");

        dialog.Find("[data-testid=user-save]").Click();

        dialog.WaitForAssertion(
            () => Assert.Contains(
                "The password needs a symbol (such as ! or -), a digit (0-9) and an upper-case letter.", FieldText(dialog, "user-password-input")));
        Assert.Contains("Give a name of 1 to 200 characters.", FieldText(dialog, "user-name-input"));
        Assert.Contains("Give a valid email address.", FieldText(dialog, "user-email-input"));
        Assert.DoesNotContain("non alphanumeric", dialog.Markup);
    }

    [Fact]
    public async Task ATeamMemberCreatedInTheDialogAppearsInTheList()
    {
        var page = Render<Web.Components.Pages.Settings.Users>();
        page.WaitForElement("[data-testid=create-user]").Click();
        Dialogs.WaitForElement("[data-testid=user-save]");
        Dialogs.Find("[data-testid=user-name-input]").Change("Taylor Team");
        Dialogs.Find("[data-testid=user-email-input]").Change("taylor@test.local");
        Dialogs.Find("[data-testid=user-password-input]").Change(TestUsers.Password);

        Dialogs.Find("[data-testid=user-save]").Click();

        page.WaitForAssertion(() => Assert.Contains("Taylor Team", page.FindAll("[data-testid=user-name]").Select(c => c.TextContent)));
        await using var db = Database.CreateDbContext();
        Assert.Equal(("user.created", ActorEmail), await db.AuditEntries.Select(a => ValueTuple.Create(a.Action, a.Actor)).SingleAsync());
    }

    [Fact]
    public async Task DisablingFromTheListMarksTheUserDisabled()
    {
        await CreateUserAsync("team@test.local", Roles.TeamMember, "Taylor Team");
        var page = Render<Web.Components.Pages.Settings.Users>();
        page.WaitForElement("[data-testid=toggle-user]");

        var snackbar = Render<MudSnackbarProvider>();
        page.Find("[data-testid=toggle-user]").Click();

        snackbar.WaitForAssertion(() => Assert.Contains("Taylor Team is disabled and signed out.", snackbar.Markup));
        page.WaitForElement("[data-testid=user-disabled]");
        Assert.Contains("Enable", page.Find("[data-testid=toggle-user]").TextContent);
    }

    /// <summary>Opens a MudSelect (by its input's data-testid) and clicks the item with this text.</summary>
    private async Task ChooseAsync<T>(IRenderedComponent<T> component, string testId, string item) where T : Microsoft.AspNetCore.Components.IComponent
    {
        await component.Find($"[data-testid={testId}]").Closest(".mud-input-control")!.QuerySelector(".mud-input")!.MouseDownAsync(new());
        var option = Popovers.WaitForElements(".mud-list-item").First(i => i.TextContent.Trim() == item);
        await option.ClickAsync(new());
    }
}
