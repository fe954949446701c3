using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Common;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Auth;

namespace RewardPortal.Tests.Identity;

/// <summary>Ending a participant's Portal access ends it at sign-in and in the sessions already open; a changed password keeps its own session.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class PortalAccessTests
{
    private const string Ada = "ada@test.local";

    [Fact]
    public async Task ASuspendedParticipantCannotSignInAndTheirOpenSessionEnds()
    {
        using var factory = new CheckEveryRequestFactory();
        await factory.CreateUserAsync(Ada, Roles.Participant);
        var session = await factory.ClientForAsync(Ada, TestUsers.Password);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/portal")).StatusCode);

        await SetSuspendedAsync(factory, true);

        Assert.StartsWith("/account/login", (await session.GetAsync("/portal")).Headers.Location!.AbsolutePath);
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.ClientForAsync(Ada, TestUsers.Password));

        await SetSuspendedAsync(factory, false);
        Assert.NotNull(await factory.ClientForAsync(Ada, TestUsers.Password));
    }

    [Fact]
    public async Task RevokingPortalAccessEndsTheSessionKeepsTheParticipantAndIsAudited()
    {
        using var factory = new CheckEveryRequestFactory();
        await factory.CreateUserAsync(Ada, Roles.Participant, points: 300);
        var session = await factory.ClientForAsync(Ada, TestUsers.Password);
        var participant = await ParticipantAsync(factory);

        await Administration(factory).RevokeParticipantSignInAsync(participant.Id, await OwnerIdAsync(factory));

        Assert.StartsWith("/account/login", (await session.GetAsync("/portal")).Headers.Location!.AbsolutePath);
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.ClientForAsync(Ada, TestUsers.Password));
        participant = await ParticipantAsync(factory);
        Assert.Null(participant.UserId);
        Assert.Equal(300, participant.PointsBalance);
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal("participant.sign_in_revoked", (await db.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }

    [Fact]
    public async Task AnAdminResetsAParticipantsPasswordInPlainWords()
    {
        using var factory = new CheckEveryRequestFactory();
        await factory.CreateUserAsync(Ada, Roles.Participant);
        var participant = await ParticipantAsync(factory);
        var owner = await OwnerIdAsync(factory);

        var weak = await Assert.ThrowsAsync<PortalException>(
            () => Administration(factory).ResetParticipantPasswordAsync(participant.Id, "longenoughpassword", owner));
        Assert.Equal("password", weak.Field);
        Assert.Equal("The password needs a symbol (such as ! or -), a digit (0-9) and an upper-case letter.", weak.Message);

        await Administration(factory).ResetParticipantPasswordAsync(participant.Id, "New-Passw0rd!", owner);

        Assert.NotNull(await factory.ClientForAsync(Ada, "New-Passw0rd!"));
        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal("participant.password_reset", (await db.AuditEntries.OrderBy(a => a.Id).LastAsync()).Action);
    }

    [Fact]
    public async Task TheGeneratedOwnerMustReplaceThePasswordAndStaysSignedInAfterwards()
    {
        using var factory = new CheckEveryRequestFactory(new() { ["Bootstrap:OwnerEmail"] = "", ["Bootstrap:OwnerPassword"] = "", ["Bootstrap:ApiKey"] = "" });
        _ = factory.Server;
        var password = Regex.Match(Assert.Single(factory.Logs.Lines, l => l.Contains("created the Owner")), "with password (\\S+)\\.").Groups[1].Value;
        var session = await factory.ClientForAsync(DatabaseInitializer.DefaultOwnerEmail, password);
        var ownerId = await OwnerIdAsync(factory);
        var accounts = factory.Services.GetRequiredService<MyAccountService>();
        Assert.True(await accounts.MustChangePasswordAsync(ownerId));

        await accounts.ChangePasswordAsync(ownerId, new PasswordChange(password, "Mine-Passw0rd!", "Mine-Passw0rd!"));
        var renewal = await factory.Services.GetRequiredService<SignInRenewal>().AddressForAsync(ownerId, "/account/me?changed=1");

        Assert.False(await accounts.MustChangePasswordAsync(ownerId));
        Assert.StartsWith("/account/login", (await session.GetAsync("/admin")).Headers.Location!.AbsolutePath);
        var renewed = await session.GetAsync(renewal);
        Assert.Equal("/account/me?changed=1", renewed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/admin")).StatusCode);
        var stranger = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await accounts.ChangePasswordAsync(ownerId, new PasswordChange("Mine-Passw0rd!", "Other-Passw0rd!", "Other-Passw0rd!"));
        Assert.StartsWith("/account/login", (await stranger.GetAsync(renewal)).Headers.Location!.OriginalString);
    }

    private static UserAdministrationService Administration(PortalFactory factory) => factory.Services.GetRequiredService<UserAdministrationService>();

    private static async Task SetSuspendedAsync(PortalFactory factory, bool suspended) =>
        await factory.Services.GetRequiredService<ParticipantService>().SetSuspendedAsync((await ParticipantAsync(factory)).Id, suspended, "test");

    private static async Task<Participant> ParticipantAsync(PortalFactory factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Participants.AsNoTracking().SingleAsync();
    }

    private static async Task<string> OwnerIdAsync(PortalFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().GetUsersInRoleAsync(Roles.Owner)).Single().Id;
    }

    /// <summary>Cookies are checked against the database on every request instead of once a minute, so a test need not wait.</summary>
    private sealed class CheckEveryRequestFactory(Dictionary<string, string?>? settings = null) : PortalFactory(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        }
    }
}
