using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Redemptions;

/// <summary>The redemption services over a real SQLite file, with helpers to set the scene.</summary>
public sealed class RedemptionFixture : IDisposable
{
    private readonly SqliteTestDatabase? sqlite;

    /// <summary>On a SQLite file of its own, or (given one) on another database such as PostgreSQL.</summary>
    public RedemptionFixture(IDbContextFactory<RewardPortalDbContext>? database = null)
    {
        Database = database ?? (sqlite = new SqliteTestDatabase());
        var events = new EventRecorder(TimeProvider.System);
        var transactions = new WriteTransactions(Database, new SqliteWriteGate());
        Redemptions = new RedemptionService(Database, transactions, events, Signal, new LowStockMonitor(TimeProvider.System),
            new PortalMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            new MoneyFormat(Options.Create(new ProgramOptions())), TimeProvider.System, NullLogger<RedemptionService>.Instance);
        Decisions = new RedemptionDecisionService(transactions, events, Signal, TimeProvider.System, NullLogger<RedemptionDecisionService>.Instance);
    }

    public IDbContextFactory<RewardPortalDbContext> Database { get; }

    public const string Sqlite = TestProviders.Sqlite;
    public const string Postgres = TestProviders.Postgres;

    /// <summary>The providers every redemption rule is proven on.</summary>
    public static TheoryData<string> Providers() => TestProviders.All();

    public static RedemptionFixture For(string provider) =>
        provider == Postgres ? new RedemptionFixture(new PostgresTestDatabase(PostgresServer.Shared)) : new RedemptionFixture();
    public CountingSignal Signal { get; } = new();
    public RedemptionService Redemptions { get; }
    public RedemptionDecisionService Decisions { get; }

    public async Task<Participant> ParticipantAsync(long points = 0, long cashMinor = 0, bool suspended = false)
    {
        await using var db = Database.CreateDbContext();
        var participant = new Participant
        {
            Name = "Racer", Email = $"{Guid.NewGuid():N}@example.com", PointsBalance = points, CashBalanceMinor = cashMinor,
            IsSuspended = suspended, CreatedAt = DateTime.UtcNow,
            Address = new PostalAddress { Line1 = "1 Main St", City = "Springfield" }, CustomFields = new() { ["size"] = "M" },
        };
        db.Participants.Add(participant);
        await db.SaveChangesAsync();
        return participant;
    }

    public async Task<Reward> RewardAsync(RewardType type = RewardType.Custom, long cost = 100, long? stock = null, int codes = 0,
        Currency currency = Currency.Points, bool enabled = true, IEnumerable<Notification>? webhooks = null)
    {
        await using var db = Database.CreateDbContext();
        var now = DateTime.UtcNow;
        var reward = new Reward
        {
            Name = $"{type} reward", Type = type, Cost = cost, CostCurrency = currency, Stock = stock, StockCapacity = stock,
            IsEnabled = enabled, Metadata = new() { ["sku"] = "SKU-1" }, CreatedAt = now, UpdatedAt = now,
        };
        foreach (var webhook in webhooks ?? [])
        {
            db.Attach(webhook);
            reward.Webhooks.Add(webhook);
        }
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        db.VoucherCodes.AddRange(
            Enumerable.Range(1, codes).Select(i => new VoucherCode { RewardId = reward.Id, Code = $"CODE-{reward.Id}-{i:D3}", CreatedAt = now }));
        await db.SaveChangesAsync();
        return reward;
    }

    public async Task<Notification> NotificationAsync(NotificationChannel channel, string eventType = EventTypes.RedemptionRequested, params RewardType[] types)
    {
        await using var db = Database.CreateDbContext();
        var notification = new Notification
        {
            Channel = channel, EventTypes = [eventType], RedemptionTypes = [.. types],
            WebhookUrl = channel == NotificationChannel.Webhook ? "https://example.com/hook" : null,
            Secret = channel == NotificationChannel.Webhook ? WebhookSecret.New() : null,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification;
    }

    public void Dispose() => sqlite?.Dispose();

    public sealed class CountingSignal : IDeliverySignal
    {
        private int count;
        public int Count => count;
        public void DeliveriesWritten() => Interlocked.Increment(ref count);
    }
}
