namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The set-up of the tests that watch deliveries arrive: a real webhook receiver, and a hosted app with a quick engine
/// (<see cref="TestData.FastRetries"/>), started by <see cref="Start"/> on the provider a test is about, or at once on SQLite.
/// </summary>
public abstract class WebhookEngineTest(bool startAtOnce = false) : IAsyncLifetime
{
    protected WebhookReceiver receiver = null!;
    protected PortalFactory factory = null!;

    public static TheoryData<string> Providers() => TestProviders.All();

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        if (startAtOnce)
            Start();
    }

    /// <summary>Starts the app on <paramref name="provider"/>, on a fresh database of its own.</summary>
    protected void Start(string provider = TestProviders.Sqlite)
    {
        factory = new PortalFactory(TestData.FastRetries().With(TestProviders.AppSettings(provider)));
        _ = factory.Server;
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
            await factory.DisposeAsync();
        await receiver.DisposeAsync();
    }
}
