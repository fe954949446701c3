using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Email;

/// <summary>
/// SMTP credentials never cross an unencrypted connection unless Email:Smtp:Security says None. The server here offers
/// AUTH but no STARTTLS, as an attacker on the path who strips STARTTLS would make any server look.
/// </summary>
[Collection(HostedAppCollection.Name)]
public sealed class SmtpSecurityTests : IAsyncLifetime
{
    private const string Password = "smtp-Passw0rd-42";

    private readonly SmtpServerFixture smtp = new(acceptsLoginWithoutTls: true);
    private PortalFactory? factory;

    public async Task InitializeAsync()
    {
        if (SmtpServerFixture.MissingReason is null || Environment.GetEnvironmentVariable("CI") == "true")
            await smtp.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
            await factory.DisposeAsync();
        await smtp.DisposeAsync();
    }

    /// <param name="security">Null leaves appsettings.json's default in place.</param>
    private PortalFactory Start(string? security)
    {
        var settings = TestData.FastRetries(delay: "00:00:00.400").With(new()
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtp.Port.ToString(),
            ["Email:Smtp:UserName"] = "rewards",
            ["Email:Smtp:Password"] = Password,
        });
        if (security is not null)
            settings["Email:Smtp:Security"] = security;
        return factory = new PortalFactory(settings);
    }

    private static async Task<long> RedeemWithAnEmailNotificationAsync(PortalFactory portal)
    {
        var team = await portal.CreateUserAsync("fulfilment@team.test", Roles.TeamMember);
        var notification = await portal.CreateEmailNotificationAsync([team]);
        await portal.RedeemAsync(await portal.CreateParticipantAsync(), await portal.CreateRewardAsync(RewardType.Custom));
        return notification.Id;
    }

    [SmtpFact]
    public async Task WithTheDefaultSecurityAServerWithoutStartTlsNeverSeesThePasswordAndTheAttemptSaysWhy()
    {
        var portal = Start(security: null);

        var notificationId = await RedeemWithAnEmailNotificationAsync(portal);

        await Wait.UntilAsync(async () => (await portal.DeliveriesAsync(notificationId)).Single().Attempts.Count >= 1, what: "an attempt");
        Assert.Empty(smtp.Logins());
        Assert.Empty(smtp.Messages());
        var delivery = (await portal.DeliveriesAsync(notificationId)).Single();
        Assert.NotEqual(DeliveryStatus.Succeeded, delivery.Status);
        Assert.All(delivery.Attempts, a =>
        {
            Assert.False(a.Succeeded);
            Assert.StartsWith("SMTP: 127.0.0.1:", a.Error);
            Assert.Contains("does not offer STARTTLS", a.Error);
        });
        Assert.DoesNotContain(portal.Logs.Lines, l => l.Contains(Password));
    }

    [SmtpFact]
    public async Task SecurityNoneSaidExplicitlySendsTheCredentialsAndWarnsAtStart()
    {
        var portal = Start(security: "None");
        _ = portal.Server;
        Assert.Single(portal.Logs.Lines, l => l.Contains("Warning") && l.Contains("Email:Smtp:Security is None") && l.Contains("unencrypted"));

        await RedeemWithAnEmailNotificationAsync(portal);

        // The same server as above: it would have taken the password whenever a client offered it.
        Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal($"PLAIN rewards {Password}", Assert.Single(smtp.Logins().Distinct()));
    }
}
