namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The set-up of the tests that read emails back: a real SMTP server (aiosmtpd) and a hosted app with a quick engine that
/// sends to it, with <paramref name="settings"/> on top. Without aiosmtpd outside CI nothing starts, and the [SmtpFact]s skip.
/// </summary>
public abstract class SmtpAppTest(Dictionary<string, string?> settings) : IAsyncLifetime
{
    protected readonly SmtpServerFixture smtp = new();
    // Outlives the app, so that a test can stop it and start it again on the same database.
    private readonly TempDirectory directory = new();
    protected PortalFactory factory = null!;

    public async Task InitializeAsync()
    {
        if (SmtpServerFixture.MissingReason is not null && Environment.GetEnvironmentVariable("CI") != "true")
            return;
        await smtp.InitializeAsync();
        factory = NewFactory();
        _ = factory.Server;
    }

    protected PortalFactory NewFactory() => new(TestData.FastRetries(delay: "00:00:00.400").With(smtp.Settings()).With(settings), directory);

    public async Task DisposeAsync()
    {
        if (factory is not null)
            await factory.DisposeAsync();
        await smtp.DisposeAsync();
        directory.Dispose();
    }
}
