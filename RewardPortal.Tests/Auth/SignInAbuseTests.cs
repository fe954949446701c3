using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Auth;

/// <summary>Sign-in tells nobody which emails have accounts, and nobody outside can lock an account out.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class SignInAbuseTests
{
    [Fact]
    public async Task AnUnknownEmailGetsTheSameAnswerAsAWrongPasswordInComparableTime()
    {
        await using var app = new PortalFactory();
        var client = NewClient(app);
        await AttemptAsync(client, PortalFactory.OwnerEmail, "wrong-password");
        await AttemptAsync(client, "nobody@test.local", "wrong-password");

        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            known.Add(await TimedAsync(() => AttemptAsync(client, PortalFactory.OwnerEmail, "wrong-password")));
            unknown.Add(await TimedAsync(() => AttemptAsync(client, "nobody@test.local", "wrong-password")));
        }

        var knownAnswer = await AttemptAsync(client, PortalFactory.OwnerEmail, "wrong-password");
        var unknownAnswer = await AttemptAsync(client, "nobody@test.local", "wrong-password");
        Assert.Equal(knownAnswer.StatusCode, unknownAnswer.StatusCode);
        Assert.Equal(knownAnswer.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString(PortalFactory.OwnerEmail), "EMAIL"),
            unknownAnswer.Headers.Location!.OriginalString.Replace(Uri.EscapeDataString("nobody@test.local"), "EMAIL"));
        // Hashing the password is most of a known account's time; an unknown one that skipped it answered several times faster.
        Assert.True(Median(unknown) > Median(known) * 0.5, $"unknown {Median(unknown):0.0} ms against known {Median(known):0.0} ms");
    }

    [Fact]
    public async Task ManyWrongPasswordsNeverLockTheOwnerOut()
    {
        await using var app = new PortalFactory();
        var client = NewClient(app);
        for (var i = 0; i < 12; i++)
            Assert.Contains("error=invalid", (await AttemptAsync(client, PortalFactory.OwnerEmail, "wrong-password")).Headers.Location!.OriginalString);

        var signedIn = await AttemptAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task OneAddressIsHeldBackWith429AndRetryAfter()
    {
        await using var app = new PortalFactory(new() { ["SignIn:AttemptsPerAddress"] = "3" });
        var client = NewClient(app);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await AttemptAsync(client, $"someone{i}@test.local", "wrong-password")).StatusCode);

        var held = await AttemptAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.True(held.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many sign-in attempts", await held.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OneAccountIsHeldBackWhateverTheEmailsCase()
    {
        await using var app = new PortalFactory(new() { ["SignIn:AttemptsPerAccount"] = "2" });
        var client = NewClient(app);
        await AttemptAsync(client, "nobody@test.local", "wrong-password");
        await AttemptAsync(client, "NOBODY@test.local", "wrong-password");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AttemptAsync(client, " Nobody@Test.Local", "wrong-password")).StatusCode);
        Assert.Equal("/", (await AttemptAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AfterAWrongPasswordTheFormKeepsTheEmail()
    {
        await using var app = new PortalFactory();
        var client = NewClient(app);
        var failed = await AttemptAsync(client, PortalFactory.OwnerEmail, "wrong-password");

        var page = await client.GetStringAsync(failed.Headers.Location);
        Assert.Contains($"value=\"{PortalFactory.OwnerEmail}\"", page);
        Assert.Contains("do not match an active account", page);
    }

    private static HttpClient NewClient(PortalFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> AttemptAsync(HttpClient client, string email, string password) =>
        await client.PostAsync("/account/login", await SignIn.LoginFormAsync(client, email, password));

    private static async Task<double> TimedAsync(Func<Task> attempt)
    {
        var clock = Stopwatch.StartNew();
        await attempt();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
