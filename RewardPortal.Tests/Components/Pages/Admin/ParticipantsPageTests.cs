using Bunit;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;
using ParticipantsPage = RewardPortal.Web.Components.Pages.Admin.Participants;

namespace RewardPortal.Tests.Components.Pages.Admin;

public sealed class ParticipantsPageTests : AdminComponentTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var db = Database.CreateDbContext();
        for (var i = 1; i <= 60; i++)
            db.Participants.Add(
                new Participant { Name = $"Person {i:D2}", Email = $"person{i:D2}@example.com", PointsBalance = i * 10, CreatedAt = DateTime.UtcNow });
        db.Participants.Add(
            new Participant { Name = "Ada Lovelace", Email = "countess@example.com", PointsBalance = 5, IsSuspended = true, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    [Fact]
    public void TheGridShowsTheTotalAndOnePageSortedByName()
    {
        var page = Render<ParticipantsPage>();

        page.WaitForAssertion(() => Assert.Contains("61 participants", page.Find("[data-testid=participant-total]").TextContent));
        var rows = page.FindAll("[data-testid=participants] tbody tr");
        Assert.Equal(25, rows.Count);
        Assert.Contains("Ada Lovelace", rows[0].TextContent);
        Assert.Contains("Suspended", rows[0].TextContent);
        Assert.Contains("Person 01", rows[1].TextContent);
    }

    [Fact]
    public void SearchingAsksTheServerForMatchesOnly()
    {
        var page = Render<ParticipantsPage>();
        page.WaitForAssertion(() => Assert.Contains("61 participants", page.Find("[data-testid=participant-total]").TextContent));

        page.Find("[data-testid=participant-search]").Input("COUNTESS@");

        page.WaitForAssertion(() => Assert.Equal("1 participant", page.Find("[data-testid=participant-total]").TextContent.Trim()), TimeSpan.FromSeconds(3));
        Assert.Contains("Ada Lovelace", Assert.Single(page.FindAll("[data-testid=participants] tbody tr")).TextContent);
    }

    [Fact]
    public void ASearchThatMatchesNobodySaysSo()
    {
        var page = Render<ParticipantsPage>();
        page.WaitForAssertion(() => Assert.Contains("61 participants", page.Find("[data-testid=participant-total]").TextContent));

        page.Find("[data-testid=participant-search]").Input("zz");

        page.WaitForAssertion(
            () => Assert.Contains("No participant's name or email starts with that.", page.Find("[data-testid=participants]").TextContent),
            TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void ClickingTheNameHeaderAsksForTheOtherDirection()
    {
        var page = Render<ParticipantsPage>();
        page.WaitForAssertion(() => Assert.Contains("Ada Lovelace", page.FindAll("[data-testid=participants] tbody tr")[0].TextContent));

        page.FindAll("[data-testid=participants] th .sortable-column-header")[0].Click();
        page.FindAll("[data-testid=participants] th .sortable-column-header")[0].Click();

        page.WaitForAssertion(() => Assert.Contains("Person 60", page.FindAll("[data-testid=participants] tbody tr")[0].TextContent));
    }

    [Theory]
    [InlineData(nameof(ParticipantRow.Name), ParticipantSort.Name)]
    [InlineData(nameof(ParticipantRow.Email), ParticipantSort.Email)]
    [InlineData(nameof(ParticipantRow.PointsBalance), ParticipantSort.Points)]
    [InlineData(nameof(ParticipantRow.CashBalanceMinor), ParticipantSort.Cash)]
    [InlineData(nameof(ParticipantRow.CreatedAt), ParticipantSort.Joined)]
    [InlineData(null, ParticipantSort.Name)]
    public void EachSortableColumnMapsToAnIndexedSort(string? column, ParticipantSort sort) =>
        Assert.Equal(sort, ParticipantsPage.SortOf(column));

    [Fact]
    public async Task TheOpenPageReflectsANewParticipantAfterTheDialogSaves()
    {
        var page = Render<ParticipantsPage>();
        page.WaitForElement("[data-testid=create-participant]");

        page.Find("[data-testid=create-participant]").Click();
        Dialogs.WaitForElement("[data-testid=participant-save]");
        Dialogs.Find("[data-testid=participant-name]").Change("Grace Hopper");
        Dialogs.Find("[data-testid=participant-email]").Change("grace@example.com");
        Dialogs.Find("[data-testid=participant-save]").Click();

        await Wait.UntilAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            return await db.Participants.AnyAsync(p => p.Email == "grace@example.com");
        });
    }
}
