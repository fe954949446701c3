using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Participants;

public sealed class ParticipantImportServiceTests : IDisposable
{
    private const string Actor = "admin@test.local";
    private readonly SqliteTestDatabase database = new();
    private readonly WriteTransactions transactions;
    private readonly CampaignService campaigns;
    private readonly ParticipantImportService importer;

    public ParticipantImportServiceTests()
    {
        transactions = new WriteTransactions(database, new SqliteWriteGate());
        campaigns = new CampaignService(database, transactions, new EventRecorder(TimeProvider.System), new NoDeliverySignal(), TimeProvider.System);
        importer = new ParticipantImportService(database, new EventRecorder(TimeProvider.System), campaigns, new NoDeliverySignal(), TimeProvider.System);
    }

    public void Dispose()
    {
        transactions.Dispose();
        database.Dispose();
    }

    private const string GoodAndBad = """
        name,email,points,cash,line1,city,postal_code,country,T-shirt size
        Ada Lovelace,ada@example.com,2500,50.00,12 St James's Square,London,SW1Y 4JH,GB,M
        ,nobody@example.com,10,,,,,,
        Grace Hopper,not-an-email,10,,,,,,
        Alan Turing,alan@example.com,-5,,,,,,
        Edsger Dijkstra,edsger@example.com,12.5,,,,,,
        Barbara Liskov,barbara@example.com,,1.234,,,,,
        Ada Again,ADA@example.com,1,,,,,,
        Katherine Johnson,katherine@example.com,,,,Hampton,,US,S
        """;

    private Task<ParticipantImportSummary> ImportAsync(string csv, IProgress<ImportProgress>? progress = null) =>
        importer.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Actor, updateExisting: true, progress);

    [Fact]
    public async Task BadRowsAreReportedByRowAndTheGoodRowsGoIn()
    {
        var summary = await ImportAsync(GoodAndBad);

        Assert.Equal((8, 2, 0, 6, 1), (summary.Rows, summary.Created, summary.Updated, summary.Failed, summary.Credited));
        Assert.Equal([3, 4, 5, 6, 7, 8], summary.Errors.Select(e => e.Row));
        Assert.Contains("Name", summary.Errors[0].Message);
        Assert.Contains("not-an-email", summary.Errors[1].Email);
        Assert.Contains("negative", summary.Errors[2].Message);
        Assert.Contains("whole number", summary.Errors[3].Message);
        Assert.Contains("two decimal places", summary.Errors[4].Message);
        Assert.Contains("row 2", summary.Errors[5].Message);

        await using var db = database.CreateDbContext();
        var ada = await db.Participants.SingleAsync(p => p.Email == "ada@example.com");
        Assert.Equal((2500L, 5000L, "London", "M"), (ada.PointsBalance, ada.CashBalanceMinor, ada.Address.City, ada.CustomFields["T-shirt size"]));
        var katherine = await db.Participants.SingleAsync(p => p.Email == "katherine@example.com");
        Assert.Equal(("Hampton", 0L), (katherine.Address.City, katherine.PointsBalance));
    }

    [Fact]
    public async Task NewParticipantsGetLedgerEntriesAndEventsForTheirOpeningBalances()
    {
        await using (var db = database.CreateDbContext())
        {
            db.Notifications.Add(new Notification
            {
                Channel = NotificationChannel.Webhook, WebhookUrl = "https://example.com/h",
                EventTypes = [EventTypes.ParticipantCreated, EventTypes.PointsAwarded],
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await ImportAsync(GoodAndBad);

        await using var check = database.CreateDbContext();
        var ledger = await check.LedgerEntries.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([(Currency.Points, 2500L), (Currency.Cash, 5000L)], ledger.Select(e => (e.Currency, e.Amount)));
        Assert.All(ledger, e => Assert.Equal((LedgerEntryKind.Award, Actor), (e.Kind, e.Actor)));
        var events = await check.Events.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            [EventTypes.ParticipantCreated, EventTypes.ParticipantCreated, EventTypes.PointsAwarded, EventTypes.PointsAwarded], events.Select(e => e.Type));
        // participant.created shows the participant as created, before the opening balance.
        Assert.Contains("\"pointsBalance\":0", events[0].DataJson);
        Assert.Contains("\"balanceAfter\":2500", events[2].DataJson);
        Assert.Equal(4, await check.Deliveries.CountAsync());
    }

    [Fact]
    public async Task ReimportingUpdatesDetailsWithoutDuplicatesOrSecondCredits()
    {
        await ImportAsync(GoodAndBad);

        var summary = await ImportAsync("""
            email,name,points,city,Team
            ada@example.com,Ada King,9999,,Maths
            KATHERINE@example.com,Katherine Johnson,,Langley,
            new@example.com,New Person,7,,
            """);

        Assert.Equal((1, 2, 0, 1, 1), (summary.Created, summary.Updated, summary.Failed, summary.BalancesIgnored, summary.Credited));
        await using var db = database.CreateDbContext();
        Assert.Equal(3, await db.Participants.CountAsync());
        var ada = await db.Participants.SingleAsync(p => p.Email == "ada@example.com");
        // Blank cells keep what is there; new columns are added beside the old ones.
        Assert.Equal(
            ("Ada King", 2500L, "London", "M", "Maths"),
            (ada.Name, ada.PointsBalance, ada.Address.City, ada.CustomFields["T-shirt size"], ada.CustomFields["Team"]));
        Assert.Equal("Langley", (await db.Participants.SingleAsync(p => p.Email == "katherine@example.com")).Address.City);
        Assert.Equal(3, await db.LedgerEntries.CountAsync());
    }

    [Fact]
    public async Task ProgressIsReportedBatchByBatchUpToTheTotal()
    {
        var rows = Enumerable.Range(1, 1_234).Select(i => $"Person {i},p{i}@example.com,{i}");
        var reports = new List<ImportProgress>();

        var summary = await ImportAsync("name,email,points\n" + string.Join("\n", rows), new SynchronousProgress(reports.Add));

        Assert.Equal(1_234, summary.Created);
        Assert.Equal([0, 500, 1_000, 1_234], reports.Select(r => r.Processed));
        Assert.All(reports, r => Assert.Equal(1_234, r.Total));
        Assert.Equal(100, reports[^1].Percent);
        await using var db = database.CreateDbContext();
        Assert.Equal(1_234L * 1_235 / 2, await db.Participants.SumAsync(p => p.PointsBalance));
        Assert.Equal(4, await db.AuditEntries.CountAsync()); // one per batch and the summary
    }

    [Fact]
    public async Task ARowThatFailsInTheDatabaseCostsOnlyThatRow()
    {
        // Custom fields that overflow only once merged with what the participant already has: the batch fails, then each row alone.
        var existing = string.Join(",", Enumerable.Range(0, 50).Select(i => $"f{i}"));
        var values = string.Join(",", Enumerable.Range(0, 50).Select(i => "v"));
        await ImportAsync($"name,email,{existing}\nAda,ada@example.com,{values}");

        var summary = await ImportAsync("name,email,extra\nAda,ada@example.com,x\nBob,bob@example.com,y");

        Assert.Equal((1, 1), (summary.Created, summary.Failed));
        Assert.Equal(2, Assert.Single(summary.Errors).Row);
    }

    [Fact]
    public async Task ACampaignsColumnAddsParticipantsToTheCampaignsItNamesWithTheirEvents()
    {
        var spring = await campaigns.CreateAsync(new CampaignInput("Spring referral push", null, null, null), Actor);
        var loyalty = await campaigns.CreateAsync(new CampaignInput("Loyalty programme", null, null, null), Actor);
        await using (var db = database.CreateDbContext())
        {
            db.Notifications.Add(new Notification
            {
                Channel = NotificationChannel.Webhook, WebhookUrl = "https://example.com/h", EventTypes = [EventTypes.ParticipantAddedToCampaign],
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        await ImportAsync("name,email,campaigns\nAda,ada@example.com,Spring referral push");

        var summary = await ImportAsync("""
            name,email,Campaign
            Ada,ada@example.com,spring referral push; Loyalty programme
            Grace,grace@example.com,Loyalty programme
            Alan,alan@example.com,
            """);

        Assert.Equal((2, 1, 0, 2), (summary.Created, summary.Updated, summary.Failed, summary.Joined));
        await using var check = database.CreateDbContext();
        var members = await check.CampaignMembers.Join(check.Participants, m => m.ParticipantId, p => p.Id, (m, p) => new { m.CampaignId, p.Email })
            .OrderBy(m => m.CampaignId).ThenBy(m => m.Email).ToListAsync();
        Assert.Equal(
            [(spring.Id, "ada@example.com"), (loyalty.Id, "ada@example.com"), (loyalty.Id, "grace@example.com")], members.Select(m => (m.CampaignId, m.Email)));
        var joins = await check.Events.Where(e => e.Type == EventTypes.ParticipantAddedToCampaign).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(3, joins.Count);
        Assert.Equal([spring.Id, loyalty.Id, loyalty.Id], joins.Select(e => e.CampaignId!.Value));
        Assert.Equal(3, await check.Deliveries.CountAsync());
        // The custom-field column it would have been before is not written.
        Assert.All(await check.Participants.ToListAsync(), p => Assert.Empty(p.CustomFields));
    }

    [Fact]
    public async Task AnUnknownCampaignRefusesTheWholeRowAndTheOtherRowsGoIn()
    {
        await campaigns.CreateAsync(new CampaignInput("Spring referral push", null, null, null), Actor);
        const string csv = """
            name,email,points,campaigns
            Ada,ada@example.com,100,Spring referral push;Sprnig
            Grace,grace@example.com,100,Spring referral push
            """;

        var preview = await importer.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        var summary = await ImportAsync(csv);

        Assert.Equal((1, 1), (preview.New.Count, preview.Refused));
        Assert.Equal((1, 1, 1), (summary.Created, summary.Failed, summary.Joined));
        var error = Assert.Single(summary.Errors);
        Assert.Equal((2, "ada@example.com"), (error.Row, error.Email));
        Assert.Contains("no campaign called 'Sprnig'", error.Message);
        await using var db = database.CreateDbContext();
        Assert.Equal(["grace@example.com"], await db.Participants.Select(p => p.Email).ToListAsync());
        Assert.Equal(1, await db.CampaignMembers.CountAsync());
        Assert.Equal(1, await db.LedgerEntries.CountAsync());
    }

    [Fact]
    public async Task ThePreviewShowsWhichCampaignsAnExistingParticipantWouldJoin()
    {
        var spring = await campaigns.CreateAsync(new CampaignInput("Spring referral push", null, null, null), Actor);
        await campaigns.CreateAsync(new CampaignInput("Loyalty programme", null, null, null), Actor);
        await ImportAsync("name,email\nAda,ada@example.com\nGrace,grace@example.com");
        await using (var db = database.CreateDbContext())
            await campaigns.AddMembersAsync(
                spring.Id, [await db.Participants.Where(p => p.Email == "grace@example.com").Select(p => p.Id).SingleAsync()], Actor);

        var preview = await importer.PreviewAsync(new MemoryStream(Encoding.UTF8.GetBytes("""
            name,email,campaigns
            Ada,ada@example.com,Spring referral push;Loyalty programme
            Grace,grace@example.com,Spring referral push
            """)));

        var ada = Assert.Single(preview.Updated);
        Assert.Equal(["joins Spring referral push, Loyalty programme"], ada.Changes);
        Assert.Equal(1, preview.Unchanged);
    }

    [Theory]
    [InlineData("")]
    [InlineData("name,points\nAda,5")]
    [InlineData("email,email\na@b.c,d@e.f")]
    public async Task AFileWithoutNameAndEmailColumnsIsRefusedBeforeAnyRow(string csv)
    {
        var error = await Assert.ThrowsAsync<PortalException>(() => ImportAsync(csv));

        Assert.Equal("file", error.Field);
        await using var db = database.CreateDbContext();
        Assert.False(await db.Participants.AnyAsync());
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; a test wants the reports in order, as they happen.</summary>
    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
