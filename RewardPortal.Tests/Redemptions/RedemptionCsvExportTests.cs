using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Redemptions;

public sealed class RedemptionCsvExportTests : IDisposable
{
    private readonly SqliteTestDatabase database = new();
    private readonly RedemptionCsvExport export;

    public RedemptionCsvExportTests() => export = new RedemptionCsvExport(database, Options.Create(new ProgramOptions { CashCurrency = "EUR" }));

    [Fact]
    public async Task EveryRowCarriesTheParticipantAddressCustomFieldsRewardMetadataStatusAndMessage()
    {
        await using (var db = database.CreateDbContext())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            participant.Address = new() { Line1 = "12 St James's Square", City = "London", PostalCode = "SW1Y 4JH", Country = "GB" };
            participant.CustomFields = new() { ["T-shirt size"] = "M" };
            var fulfilled = TestData.Redemption(participant, reward, RedemptionStatus.Fulfilled);
            fulfilled.Message = "Shipped, \"tracked\"\nin two parcels";
            fulfilled.DecidedBy = "team@example.com";
            fulfilled.DecidedAt = new DateTime(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);
            db.Redemptions.AddRange(fulfilled, TestData.Redemption(participant, reward));
            await db.SaveChangesAsync();
        }

        var rows = await ExportAsync(new RedemptionFilter(Status: RedemptionStatus.Fulfilled));

        var row = Assert.Single(rows);
        Assert.Equal("Fulfilled", row["Status"]);
        Assert.Equal("Shipped, \"tracked\"\nin two parcels", row["Message"]);
        Assert.Equal("team@example.com", row["Decided by"]);
        Assert.Equal("2026-12-01T09:30:00Z", row["Decided at"]);
        Assert.Equal("Ada Lovelace", row["Participant"]);
        Assert.Equal("12 St James's Square", row["Address line 1"]);
        Assert.Equal("SW1Y 4JH", row["Postal code"]);
        Assert.Equal("M", row["Custom: T-shirt size"]);
        Assert.Equal("X-1", row["Metadata: sku"]);
        Assert.Equal("10", row["Cost"]);
        Assert.Equal("points", row["Cost unit"]);
    }

    [Fact]
    public async Task EachKeyGetsAColumnAndRowsWithoutItLeaveItEmpty()
    {
        await using (var db = database.CreateDbContext())
        {
            var (first, reward) = await TestData.ParticipantAndRewardAsync(db);
            first.CustomFields = new() { ["team"] = "Blue" };
            var (second, cashReward) = await TestData.ParticipantAndRewardAsync(db);
            second.CustomFields = new() { ["region"] = "North" };
            cashReward.CostCurrency = Currency.Cash;
            cashReward.Cost = 1250;
            cashReward.Metadata = new() { ["vendor"] = "Acme" };
            await db.SaveChangesAsync();
            db.Redemptions.AddRange(TestData.Redemption(first, reward), TestData.Redemption(second, cashReward));
            await db.SaveChangesAsync();
        }

        var rows = await ExportAsync(new RedemptionFilter(OldestFirst: true));

        Assert.Equal(["Blue", ""], rows.Select(r => r["Custom: team"]));
        Assert.Equal(["", "North"], rows.Select(r => r["Custom: region"]));
        Assert.Equal(["", "Acme"], rows.Select(r => r["Metadata: vendor"]));
        Assert.Equal(["10", "12.50"], rows.Select(r => r["Cost"]));
        Assert.Equal(["points", "EUR"], rows.Select(r => r["Cost unit"]));
    }

    [Fact]
    public async Task CellsThatWouldStartASpreadsheetFormulaAreNeutralised()
    {
        await using (var db = database.CreateDbContext())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            participant.Name = "=HYPERLINK(\"http://evil.example\",\"click\")";
            participant.CustomFields = new() { ["phone"] = "+44 20 7946 0000", ["note"] = "\tcmd" };
            reward.Metadata = new() { ["formula"] = "@SUM(A1:A9)" };
            await db.SaveChangesAsync();
            var redemption = TestData.Redemption(participant, reward);
            redemption.Message = "-2+3";
            redemption.VoucherCode = "\r=1+1";
            db.Redemptions.Add(redemption);
            await db.SaveChangesAsync();
        }

        var row = Assert.Single(await ExportAsync(new RedemptionFilter()));

        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", row["Participant"]);
        Assert.Equal("'+44 20 7946 0000", row["Custom: phone"]);
        Assert.Equal("'\tcmd", row["Custom: note"]);
        Assert.Equal("'@SUM(A1:A9)", row["Metadata: formula"]);
        Assert.Equal("'-2+3", row["Message"]);
        Assert.Equal("'\r=1+1", row["Voucher code"]);
    }

    [Fact]
    public async Task TwoHundredThousandRowsStreamWithoutBeingHeldInMemory()
    {
        const int total = 200_000;
        await using (var db = database.CreateDbContext())
        {
            var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
            var first = TestData.Redemption(participant, reward);
            db.Redemptions.Add(first);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {total})
                INSERT INTO "Redemptions" ("ParticipantId", "RewardId", "Reward", "RewardType", "CostCurrency", "Cost", "Status", "Message", "CreatedAt")
                SELECT r."ParticipantId", r."RewardId", r."Reward", r."RewardType", r."CostCurrency", r."Cost", r."Status",
                       'Row ' || n.i || ': ' || printf('%.400c', 'x'), r."CreatedAt"
                FROM "Redemptions" r, n WHERE r."Id" = {first.Id}
                """);
        }
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        // The reader stops taking bytes after the first 256 KB: an export that read every row before writing would
        // hold them all (over 100 MB of entities) by then; a streaming one holds the rows of one flush.
        var output = new PausingStream(pauseAfterBytes: 256 * 1024);
        await using var writer = new StreamWriter(output);
        var running = export.WriteAsync(new RedemptionFilter(OldestFirst: true), writer);
        await output.Paused.WaitAsync(TimeSpan.FromSeconds(60));
        var held = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.Resume();
        await running;
        await writer.FlushAsync();

        Assert.True(held < 30 * 1024 * 1024, $"The export held {held / 1024 / 1024} MB while paused.");
        Assert.Equal(total + 1, output.Lines);
    }

    private async Task<List<Dictionary<string, string>>> ExportAsync(RedemptionFilter filter)
    {
        await using var text = new StringWriter();
        await export.WriteAsync(filter, text);
        using var csv = new CsvReader(new StringReader(text.ToString()), CultureInfo.InvariantCulture);
        await csv.ReadAsync();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (await csv.ReadAsync())
            rows.Add(header.Select((name, i) => (name, value: csv.GetField(i) ?? "")).ToDictionary(c => c.name, c => c.value));
        return rows;
    }

    public void Dispose() => database.Dispose();

    /// <summary>Takes bytes until a threshold, then blocks its writer until resumed; counts lines.</summary>
    private sealed class PausingStream(long pauseAfterBytes) : Stream
    {
        private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long written;

        public Task Paused => paused.Task;
        public int Lines { get; private set; }
        public void Resume() => resumed.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            written += buffer.Length;
            Lines += buffer.Span.Count((byte)'\n');
            if (written > pauseAfterBytes && !resumed.Task.IsCompleted)
            {
                paused.TrySetResult();
                await resumed.Task;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Writes must be asynchronous.");
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
