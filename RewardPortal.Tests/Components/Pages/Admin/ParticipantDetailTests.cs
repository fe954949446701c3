using System.Text;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Admin;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class ParticipantDetailTests : AdminComponentTest
{
    private ParticipantService Service =>
        new(
            Database, new WriteTransactions(Database, new SqliteWriteGate()), new EventRecorder(TimeProvider.System), new NoDeliverySignal(),
            TimeProvider.System);

    [Fact]
    public async Task TheDetailShowsBalancesAddressCustomFieldsAndTheLedgerNewestFirst()
    {
        var ada = await CreateAdaAsync();
        await Service.AdjustBalanceAsync(ada, Currency.Points, 500, "Welcome bonus", ActorEmail);
        await Service.AdjustBalanceAsync(ada, Currency.Cash, 1250, "Referral", ActorEmail);

        var page = Render<ParticipantDetail>(p => p.Add(c => c.Id, ada));

        page.WaitForAssertion(() => Assert.Equal("Ada Lovelace", page.Find("[data-testid=participant-heading]").TextContent));
        Assert.Equal("500 pts", page.Find("[data-testid=participant-points]").TextContent);
        Assert.Contains("12.50", page.Find("[data-testid=participant-cash]").TextContent);
        Assert.Contains("London", page.Find("[data-testid=participant-address]").TextContent);
        Assert.Contains("T-shirt size", page.Markup);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=ledger] tbody tr").Count));
        Assert.Contains("Referral", page.FindAll("[data-testid=ledger] tbody tr")[0].TextContent);
    }

    [Fact]
    public async Task SuspendingFromTheDetailShowsTheChipAndAuditsIt()
    {
        var ada = await CreateAdaAsync();
        var page = Render<ParticipantDetail>(p => p.Add(c => c.Id, ada));
        page.WaitForElement("[data-testid=participant-suspend]");

        page.Find("[data-testid=participant-suspend]").Click();

        page.WaitForElement("[data-testid=participant-suspended]");
        Assert.Contains("Unsuspend", page.Find("[data-testid=participant-suspend]").TextContent);
        await using var db = Database.CreateDbContext();
        Assert.Equal("participant.suspended", (await db.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }

    [Fact]
    public async Task AnAdminResetsThePasswordAndThenRevokesPortalAccessFromTheDetail()
    {
        var ada = await CreateAdaAsync();
        await Services.GetRequiredService<UserAdministrationService>().CreateParticipantSignInAsync(ada, TestUsers.Password, ActorId);
        var page = Render<ParticipantDetail>(p => p.Add(c => c.Id, ada));

        page.WaitForElement("[data-testid=participant-reset-password]").Click();
        Dialogs.WaitForElement("[data-testid=password-save]");
        Dialogs.Find("[data-testid=password]").Change("Reset-Passw0rd!");
        Dialogs.Find("[data-testid=password-save]").Click();
        await Wait.UntilAsync(async () => await LastAuditActionAsync() == "participant.password_reset");

        page.Find("[data-testid=participant-revoke-sign-in]").Click();
        Dialogs.WaitForElements("button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        page.WaitForElement("[data-testid=participant-create-sign-in]");
        Assert.Empty(page.FindAll("[data-testid=participant-revoke-sign-in]"));
        Assert.Equal("participant.sign_in_revoked", await LastAuditActionAsync());
    }

    private async Task<string> LastAuditActionAsync()
    {
        await using var db = Database.CreateDbContext();
        return (await db.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action;
    }

    [Fact]
    public void AnUnknownIdSaysSo()
    {
        var page = Render<ParticipantDetail>(p => p.Add(c => c.Id, 4242));

        page.WaitForElement("[data-testid=participant-not-found]");
    }

    [Fact]
    public async Task ADebitBelowZeroIsShownOnTheAmountField()
    {
        var ada = await CreateAdaAsync();
        var dialog = await OpenDialogAsync(new DialogParameters<AdjustBalanceDialog> { { d => d.ParticipantId, ada } });
        dialog.WaitForElement("[data-testid=adjust-save]");

        dialog.FindAll("[data-testid=adjust-direction] input")[1].Click();
        dialog.Find("[data-testid=adjust-amount]").Change("10");
        dialog.Find("[data-testid=adjust-reason]").Change("Correction");
        dialog.Find("[data-testid=adjust-save]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("The balance is too low for this debit.", FieldText(dialog, "adjust-amount")));
    }

    [Fact]
    public async Task ACreditNeedsAReasonAndThenWritesTheLedger()
    {
        var ada = await CreateAdaAsync();
        var dialog = await OpenDialogAsync(new DialogParameters<AdjustBalanceDialog> { { d => d.ParticipantId, ada } });
        dialog.WaitForElement("[data-testid=adjust-save]");
        dialog.Find("[data-testid=adjust-amount]").Change("250");

        dialog.Find("[data-testid=adjust-save]").Click();
        dialog.WaitForAssertion(() => Assert.Contains("Give a reason", FieldText(dialog, "adjust-reason")));
        dialog.Find("[data-testid=adjust-reason]").Change("Conference talk");
        dialog.Find("[data-testid=adjust-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.LedgerEntries.AnyAsync(e => e.Reason == "Conference talk" && e.Amount == 250);
        });
        await using var check = Database.CreateDbContext();
        Assert.Equal(EventTypes.PointsAwarded, (await check.Events.OrderBy(e => e.Id).LastAsync()).Type);
    }

    [Fact]
    public async Task TheImportDialogShowsProgressTheSummaryTheBadRowsAndTheBalancesRule()
    {
        var existing = await CreateAdaAsync();
        var dialog = await OpenDialogAsync<ParticipantImportDialog>();
        dialog.WaitForElement("[data-testid=import-rules]");
        var csv = "name,email,points\nAda King,ada@example.com,100\nGrace Hopper,grace@example.com,300\nNobody,not-an-email,5\n";

        await dialog.InvokeAsync(() => dialog.Instance.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv))));
        dialog.WaitForElement("[data-testid=import-update-existing]").Change(true);
        dialog.Find("[data-testid=import-confirm]").Click();

        var summary = dialog.WaitForElement("[data-testid=import-summary]").TextContent;
        Assert.Contains("3 rows: 1 created, 1 updated, 1 not imported.", summary);
        Assert.Contains(
            "1 rows for participants who already existed had balances that were not applied", dialog.Find("[data-testid=import-balances-ignored]").TextContent);
        var error = Assert.Single(dialog.FindAll("[data-testid=import-errors] tbody tr")).TextContent;
        Assert.Contains("4", error);
        Assert.Contains("not-an-email", error);
        Assert.Contains("3 of 3 rows", dialog.Markup);
        var rules = System.Text.RegularExpressions.Regex.Replace(dialog.Find("[data-testid=import-rules]").TextContent, @"\s+", " ");
        Assert.Contains("Balances are credited only to participants the import creates", rules);
        await using var db = Database.CreateDbContext();
        Assert.Equal(0, (await db.Participants.SingleAsync(p => p.Id == existing)).PointsBalance);
    }

    [Fact]
    public async Task TheImportPreviewsNewUpdatedAndRefusedRowsAndLeavesExistingParticipantsAloneUnlessAsked()
    {
        var existing = await CreateAdaAsync();
        var dialog = await OpenDialogAsync<ParticipantImportDialog>();
        dialog.WaitForElement("[data-testid=import-rules]");
        var csv = "name,email,city,T-shirt size\nAda King,ada@example.com,Paris,L\nGrace Hopper,grace@example.com,,\nNobody,not-an-email,,\n";

        await dialog.InvokeAsync(() => dialog.Instance.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv))));

        Assert.Contains("3 rows: 1 new, 1 would update an existing participant, 0 unchanged, 1 refused.",
            System.Text.RegularExpressions.Regex.Replace(dialog.WaitForElement("[data-testid=import-preview]").TextContent, @"\s+", " "));
        Assert.Contains(
            "name: Ada Lovelace → Ada King; city: London → Paris; T-shirt size: M → L", dialog.Find("[data-testid=import-preview-updated]").TextContent);
        Assert.Contains("not-an-email", dialog.Find("[data-testid=import-preview-refused]").TextContent);
        Assert.Contains("Grace Hopper", dialog.Find("[data-testid=import-preview-new]").TextContent);
        await using (var before = Database.CreateDbContext())
            Assert.Equal(1, await before.Participants.CountAsync());

        dialog.Find("[data-testid=import-confirm]").Click();

        Assert.Contains("1 existing participants were left as they were.", dialog.WaitForElement("[data-testid=import-skipped]").TextContent);
        await using var db = Database.CreateDbContext();
        Assert.Equal("Ada Lovelace", (await db.Participants.SingleAsync(p => p.Id == existing)).Name);
        Assert.Equal(2, await db.Participants.CountAsync());
    }

    [Fact]
    public async Task AFileWithoutTheRequiredColumnsShowsWhyInTheImportDialog()
    {
        var dialog = await OpenDialogAsync<ParticipantImportDialog>();
        dialog.WaitForElement("[data-testid=import-rules]");

        await dialog.InvokeAsync(() => dialog.Instance.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes("full name,mail\nA,b@c.d\n"))));

        Assert.Contains("at least 'name' and 'email'", dialog.WaitForElement("[data-testid=import-error]").TextContent);
    }

    private async Task<long> CreateAdaAsync()
    {
        var ada = await Service.CreateAsync(new NewParticipant
        {
            Name = "Ada Lovelace", Email = "ada@example.com",
            Address = new PostalAddress { Line1 = "12 St James's Square", City = "London" },
            CustomFields = new() { ["T-shirt size"] = "M" },
        }, ActorEmail);
        return ada.Id;
    }
}
