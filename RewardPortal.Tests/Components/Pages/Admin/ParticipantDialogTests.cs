using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Admin;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class ParticipantDialogTests : AdminComponentTest
{
    [Fact]
    public async Task AnInvalidEmailIsShownOnTheEmailField()
    {
        var dialog = await OpenAsync();
        dialog.Find("[data-testid=participant-name]").Change("Grace Hopper");
        dialog.Find("[data-testid=participant-email]").Change("grace at navy");

        dialog.Find("[data-testid=participant-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("not a valid e-mail address", FieldText(dialog, "participant-email")));
    }

    [Fact]
    public async Task SaveShowsTheNameTheEmailAndThePasswordProblemsTogether()
    {
        var dialog = await OpenAsync();
        dialog.Find("[data-testid=participant-email]").Change("grace at navy");
        dialog.Find("input[data-testid=participant-with-sign-in]").Change(true);
        dialog.WaitForElement("[data-testid=participant-password]").Change("short");

        dialog.Find("[data-testid=participant-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("The Name field is required.", FieldText(dialog, "participant-name")));
        Assert.Contains("not a valid e-mail address", FieldText(dialog, "participant-email"));
        Assert.Contains("The password needs at least 10 characters", FieldText(dialog, "participant-password"));
    }

    [Fact]
    public async Task AWeakInitialPasswordIsShownOnThePasswordFieldAndNothingIsCreated()
    {
        var dialog = await OpenAsync();
        dialog.Find("[data-testid=participant-name]").Change("Grace Hopper");
        dialog.Find("[data-testid=participant-email]").Change("grace@example.com");
        dialog.Find("input[data-testid=participant-with-sign-in]").Change(true);
        dialog.WaitForElement("[data-testid=participant-password]").Change("short");

        dialog.Find("[data-testid=participant-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("at least 10 characters", FieldText(dialog, "participant-password")));
        await using var db = Database.CreateDbContext();
        Assert.False(await db.Participants.AnyAsync());
    }

    [Fact]
    public async Task ANewParticipantWithASignInGetsAParticipantUser()
    {
        var dialog = await OpenAsync();
        dialog.Find("[data-testid=participant-name]").Change("Grace Hopper");
        dialog.Find("[data-testid=participant-email]").Change("grace@example.com");
        dialog.Find("[data-testid=kv-add]").Click();
        dialog.WaitForElement("[data-testid=kv-key]").Change("T-shirt size");
        dialog.Find("[data-testid=kv-value]").Change("S");
        dialog.Find("input[data-testid=participant-with-sign-in]").Change(true);
        dialog.WaitForElement("[data-testid=participant-password]").Change(TestUsers.Password);

        dialog.Find("[data-testid=participant-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.Participants.AnyAsync(p => p.UserId != null);
        });
        await using var check = Database.CreateDbContext();
        var participant = await check.Participants.SingleAsync();
        Assert.Equal("S", participant.CustomFields["T-shirt size"]);
        var role = await (from ur in check.UserRoles join r in check.Roles on ur.RoleId equals r.Id
                          where ur.UserId == participant.UserId select r.Name).SingleAsync();
        Assert.Equal(Roles.Participant, role);
    }

    [Fact]
    public async Task EditingLoadsTheParticipantAndSavesTheChanges()
    {
        var service = new ParticipantService(
            Database, new WriteTransactions(Database, new SqliteWriteGate()), new EventRecorder(TimeProvider.System), new NoDeliverySignal(),
            TimeProvider.System);
        var created = await service.CreateAsync(
            new NewParticipant { Name = "Grace", Email = "grace@example.com", Address = new PostalAddress { City = "Arlington" } }, ActorEmail);
        var dialog = await OpenAsync(created.Id);
        Assert.Equal("Grace", dialog.Find("[data-testid=participant-name]").GetAttribute("value"));
        Assert.Empty(dialog.FindAll("[data-testid=participant-with-sign-in]"));

        dialog.Find("[data-testid=participant-name]").Change("Grace Hopper");
        dialog.Find("[data-testid=participant-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return (await db.Participants.SingleAsync()).Name == "Grace Hopper";
        });
        await using var check = Database.CreateDbContext();
        Assert.Equal("Arlington", (await check.Participants.SingleAsync()).Address.City);
    }

    private async Task<IRenderedComponent<ParticipantDialog>> OpenAsync(long? id = null)
    {
        var dialog = await OpenDialogAsync(new DialogParameters<ParticipantDialog> { { d => d.ParticipantId, id } });
        dialog.WaitForElement("[data-testid=participant-save]");
        if (id is not null)
            dialog.WaitForAssertion(() => Assert.NotEqual("", dialog.Find("[data-testid=participant-name]").GetAttribute("value") ?? ""));
        return dialog;
    }
}
