using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Auth;

[Collection(HostedAppCollection.Name)]
public sealed class SignInTests(SignInTests.Fixture fixture) : IClassFixture<SignInTests.Fixture>
{
    private HttpClient NewClient() =>
        fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task AWrongPasswordReturnsToTheFormWithAMessage()
    {
        var client = NewClient();
        var response = await client.PostAsync("/account/login", await SignIn.LoginFormAsync(client, PortalFactory.OwnerEmail, "wrong-password"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("error=invalid", response.Headers.Location!.OriginalString);
        var page = await client.GetStringAsync(response.Headers.Location);
        Assert.Contains("do not match an active account", page);
    }

    [Fact]
    public async Task AFailedSignInKeepsTheTypedEmailInTheFormButNeverInTheAddress()
    {
        var client = NewClient();
        const string typed = "someone.typed+this@example.com";
        var response = await client.PostAsync("/account/login", await SignIn.LoginFormAsync(client, typed, "wrong-password"));

        var location = response.Headers.Location!.OriginalString;
        Assert.DoesNotContain("someone", location);
        Assert.DoesNotContain("example.com", Uri.UnescapeDataString(location));
        var page = await client.GetStringAsync(location);
        Assert.Contains($"value=\"{typed}\"", WebUtility.HtmlDecode(page));
        // A fresh visit to the form, with no failure to explain, starts empty.
        Assert.DoesNotContain(typed, await client.GetStringAsync("/account/login"));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        var client = NewClient();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = PortalFactory.OwnerEmail,
            ["password"] = PortalFactory.OwnerPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnOffSiteReturnUrlIsIgnored()
    {
        var client = NewClient();
        var response = await client.PostAsync("/account/login",
            await SignIn.LoginFormAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword, returnUrl: "//evil.example/steal"));

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/admin\r\nSet-Cookie: x=1")]
    [InlineData("/admin\tredemptions")]
    [InlineData("/caf\u00e9")]
    [InlineData("/admin/\u202Eredemptions")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task ACraftedReturnUrlStillSignsInAndGoesHome(string returnUrl)
    {
        var client = NewClient();
        var response = await client.PostAsync("/account/login",
            await SignIn.LoginFormAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword, returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task APlainLocalReturnUrlIsKept()
    {
        var client = NewClient();
        var response = await client.PostAsync("/account/login",
            await SignIn.LoginFormAsync(client, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword, "/admin/redemptions?status=requested"));

        Assert.Equal("/admin/redemptions?status=requested", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        var client = await fixture.Factory.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
        var page = await client.GetStringAsync("/admin");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin")).StatusCode);
    }

    public sealed class Fixture : IDisposable
    {
        public PortalFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
