using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Cluster;

/// <summary>
/// The set-up of the tests of several nodes over one fresh PostgreSQL database: each node a hosted app with a quick engine,
/// all sending to one webhook receiver. Every node started is stopped at the end.
/// </summary>
public abstract class PostgresNodesTest : IAsyncLifetime
{
    protected readonly List<PortalFactory> nodes = [];
    // Every node of one database has the same master key file, as an operator gives them.
    private readonly TempDirectory keyFolder = new();
    protected WebhookReceiver receiver = null!;
    protected string connectionString = null!;

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        if (PostgresServer.Wanted)
            connectionString = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString;
    }

    protected PortalFactory StartNode(Dictionary<string, string?>? more = null)
    {
        var node = new PortalFactory(TestData.FastRetries().With(new()
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = connectionString,
            ["DataProtection:KeyFile"] = keyFolder.File("master.key"),
        }).With(more ?? []));
        _ = node.Server;
        nodes.Add(node);
        return node;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
            await node.DisposeAsync();
        keyFolder.Dispose();
        await receiver.DisposeAsync();
    }
}
