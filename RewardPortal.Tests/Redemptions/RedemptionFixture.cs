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

/// <summary>The redemption services over a real SQLite file (or another database); rows for the scene come from <see cref="TestData"/>.</summary>
public sealed class RedemptionFixture : IDisposable
{
    private readonly SqliteTestDatabase? sqlite;
    private readonly KeptReadContexts readContexts;

    /// <summary>On a SQLite file of its own, or (given one) on another database such as PostgreSQL.</summary>
    public RedemptionFixture(IDbContextFactory<RewardPortalDbContext>? database = null)
    {
        Database = database ?? (sqlite = new SqliteTestDatabase());
        var events = new EventRecorder(TimeProvider.System);
        var transactions = new WriteTransactions(Database, new SqliteWriteGate());
        readContexts = new KeptReadContexts(Database);
        Redemptions = new RedemptionService(Database, readContexts, transactions, events, Signal, new LowStockMonitor(TimeProvider.System),
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

    public void Dispose()
    {
        readContexts.DisposeAsync().AsTask().GetAwaiter().GetResult();
        sqlite?.Dispose();
    }

    public sealed class CountingSignal : IDeliverySignal
    {
        private int count;
        public int Count => count;
        public void DeliveriesWritten() => Interlocked.Increment(ref count);
    }
}
