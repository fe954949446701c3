using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

/// <summary>
/// The redemption's rows go in through plain statements built from EF's model (RowInsert), not SaveChanges: each row
/// must come out exactly as EF would have written it, on SQLite (with its statements kept prepared, as the writer keeps
/// them, or not) and on PostgreSQL. A property added to one of these entities is covered without a change here.
/// </summary>
public sealed class RowInsertTests
{
    public static TheoryData<string> Providers() => TestProviders.All();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EachRowIsWrittenAsEfWritesIt(string provider)
    {
        using var database = new ProviderTestDatabase(provider);
        await using var setup = await database.CreateDbContextAsync();
        var (participant, reward) = await setup.ParticipantAndRewardAsync(RewardType.VoucherCode, points: 100);
        var notification = await setup.NotificationAsync(NotificationChannel.Webhook);

        foreach (var keepPrepared in provider == TestProviders.Sqlite ? [false, true] : new[] { false })
        {
            await using var db = await database.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            using var kept = keepPrepared ? PreparedStatements.KeepOn(db.Database.GetDbConnection()) : null;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var now = DateTime.UtcNow;

            var (byEf, byInsert, _) = await BothAsync(db, () => Redemption(participant, reward, now), r => r.Id);
            await AssertSameRowAsync(db, "Redemptions", byEf.Id, byInsert.Id);
            await AssertSameRowAsync(db, "RedemptionStatusChanges",
                (await BothAsync(db, () => new RedemptionStatusChange
                {
                    RedemptionId = byEf.Id, Status = RedemptionStatus.Refused, Actor = "ops@example.com", Message = "Out of sizes", At = now,
                }, h => h.Id)).Ids());
            await AssertSameRowAsync(db, "LedgerEntries", (await BothAsync(db, () => new LedgerEntry
            {
                ParticipantId = participant.Id, Currency = Currency.Cash, Amount = -250, BalanceAfter = 750, Kind = LedgerEntryKind.Redemption,
                Reason = "Redeemed", Actor = "participant", RedemptionId = byEf.Id, CampaignId = null, CreatedAt = now,
            }, l => l.Id)).Ids());
            var events = await BothAsync(db, () => new OutboxEvent
            {
                Type = EventTypes.RedemptionRequested, OccurredAt = now, DataJson = """{"id":1}""", RedemptionId = byEf.Id,
                ParticipantId = participant.Id, RewardId = reward.Id, RewardType = RewardType.VoucherCode,
                TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            }, e => e.Id);
            await AssertSameRowAsync(db, "Events", events.Ids());
            await AssertSameRowAsync(db, "Deliveries", (await BothAsync(db, () => new Delivery
            {
                EventId = events.ByEf.Id, NotificationId = notification.Id, MessageId = EventRecorder.NewMessageId(), Status = DeliveryStatus.Pending,
                NextAttemptAt = now, CreatedAt = now, LastError = "none yet",
            }, d => d.Id, (a, b) => b.MessageId = a.MessageId + "b")).Ids(), except: "MessageId");
            await AssertSameRowAsync(db, "AuditEntries",
                (await BothAsync(db, () => AuditLog.Entry("participant", "redemption.requested", "Redemption", byEf.Id, "details"), a => a.Id,
                    (a, b) => b.At = a.At)).Ids());
            await transaction.RollbackAsync();
        }
    }

    [Fact]
    public async Task AKeptStatementIsPreparedOnceForTheConnection()
    {
        using var database = new SqliteTestDatabase();
        await using var setup = database.CreateDbContext();
        var participant = await setup.ParticipantAsync();
        await using var db = database.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        using var kept = PreparedStatements.KeepOn(db.Database.GetDbConnection());

        var commands = new List<DbCommand>();
        for (var i = 0; i < 3; i++)
        {
            var entry = AuditLog.Entry("test", "probe", "Participant", participant.Id);
            await using (var insert = RawCommand.Create(db, "SELECT 1", c => c.CreateCommand()))
                commands.Add(insert.Command);
            await RowInsert.InsertAsync(db, entry, CancellationToken.None);
            Assert.True(entry.Id > 0);
        }

        Assert.Single(commands.Distinct());
        Assert.Equal(3, await db.AuditEntries.CountAsync(a => a.Action == "probe"));
    }

    [Fact]
    public async Task AConnectionKeepsABoundedNumberOfStatements()
    {
        using var database = new SqliteTestDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        using var kept = PreparedStatements.KeepOn(db.Database.GetDbConnection());

        var first = RawCommand.Create(db, "SELECT 0").Command;
        for (var i = 1; i <= PreparedStatements.MaxKept; i++)
        {
            await using var select = RawCommand.Create(db, $"SELECT {i}");
            Assert.Equal((long)i, await select.Command.ExecuteScalarAsync());
        }

        Assert.NotSame(first, RawCommand.Create(db, "SELECT 0").Command);
    }

    [Fact]
    public async Task TheDatabasesOwnValuesAreLeftToIt()
    {
        using var database = new SqliteTestDatabase();
        await using var db = database.CreateDbContext();
        var entry = AuditLog.Entry("test", "probe", "Participant", 1);
        entry.Id = 42;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RowInsert.InsertAsync(db, entry, CancellationToken.None));

        Assert.Contains("AuditEntry.Id", refused.Message);
    }

    private static Redemption Redemption(Participant participant, Reward reward, DateTime now)
    {
        var redemption = Core.Redemptions.Redemption.Requested(participant.Id, reward, "participant", now);
        (redemption.Message, redemption.VoucherCode, redemption.IdempotencyKey, redemption.IdempotencyScope, redemption.RequestHash) =
            ("Enjoy", "CODE-1", Guid.NewGuid().ToString("N"), "api-key:1", "abc123");
        (redemption.Status, redemption.DecidedAt, redemption.DecidedBy) = (RedemptionStatus.Fulfilled, now, "system");
        redemption.History = [];
        return redemption;
    }

    /// <summary>Two equal entities, one saved by EF and one inserted by RowInsert; <paramref name="apart"/> keeps unique columns apart.</summary>
    private static async Task<Pair<T>> BothAsync<T>(RewardPortalDbContext db, Func<T> make, Func<T, long> id, Action<T, T>? apart = null)
        where T : class
    {
        var (byEf, byInsert) = (make(), make());
        if (byEf is Redemption first && byInsert is Redemption second)
            second.IdempotencyKey = first.IdempotencyKey + "b";
        apart?.Invoke(byEf, byInsert);
        db.Add(byEf);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        await RowInsert.InsertAsync(db, byInsert, CancellationToken.None);
        return new Pair<T>(byEf, byInsert, id);
    }

    private static async Task AssertSameRowAsync(RewardPortalDbContext db, string table, (long ByEf, long ByInsert) ids, string? except = null) =>
        await AssertSameRowAsync(db, table, ids.ByEf, ids.ByInsert, except);

    private static async Task AssertSameRowAsync(RewardPortalDbContext db, string table, long byEf, long byInsert, string? except = null)
    {
        Assert.NotEqual(0, byInsert);
        Assert.NotEqual(byEf, byInsert);
        var efRow = await RowAsync(db, table, byEf);
        var insertedRow = await RowAsync(db, table, byInsert);
        foreach (var (column, value) in efRow)
            if (column is not "Id" and not "IdempotencyKey" && column != except)
                Assert.True(Equals(value, insertedRow[column]), $"{table}.{column}: EF wrote {value}, RowInsert {insertedRow[column]}.");
        Assert.Equal(efRow.Keys.Order(), insertedRow.Keys.Order());
    }

    /// <summary>A row's columns as the database holds them (type and value), not as EF reads them back.</summary>
    private static async Task<Dictionary<string, object?>> RowAsync(RewardPortalDbContext db, string table, long id)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"SELECT * FROM \"{table}\" WHERE \"Id\" = {id}";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"No row {id} in {table}.");
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    private sealed record Pair<T>(T ByEf, T ByInsert, Func<T, long> IdOf)
    {
        public (long, long) Ids() => (IdOf(ByEf), IdOf(ByInsert));
    }
}
