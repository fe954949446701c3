using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Security;

[Collection(HostedAppCollection.Name)]
public sealed partial class SecurityHeadersTests
{
    [Theory]
    [InlineData("/account/login")]
    [InlineData("/admin")]
    [InlineData("/api/v1/rewards")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/reference/")]
    [InlineData("/hangfire")]
    [InlineData("/healthz")]
    [InlineData("/no-such-page")]
    public async Task EveryResponseCarriesThePolicyAndTheHardeningHeaders(string path)
    {
        await using var app = new PortalFactory();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("'unsafe-inline' ", policy.Split("style-src")[0]);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task TheApiReferencesInlineScriptsAreAllowedByTheirHashesOnly()
    {
        await using var app = new PortalFactory();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/reference/");
        var html = await response.Content.ReadAsStringAsync();

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var inline = InlineScript().Matches(html);
        Assert.NotEmpty(inline);
        foreach (Match script in inline)
        {
            var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script.Groups[1].Value)));
            Assert.Contains($"'sha256-{hash}'", policy);
        }
        Assert.DoesNotContain("unsafe-inline", policy.Split(';').Single(d => d.Trim().StartsWith("script-src")));
    }

    [Fact]
    public async Task BehindAKnownTlsProxyResponsesCarryHstsAndCookiesAreSecure()
    {
        await using var app = new PortalFactory(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var client = new HttpClient { BaseAddress = app.StartOnRealPort() };

        var response = await SendAsync(client, "/account/login", forwardedProto: "https");

        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AForwardedProtoFromAnUnknownAddressIsNotBelieved()
    {
        await using var app = new PortalFactory(new() { ["ForwardedHeaders:KnownProxies:0"] = "10.9.9.9" });
        using var client = new HttpClient { BaseAddress = app.StartOnRealPort() };

        var response = await SendAsync(client, "/account/login", forwardedProto: "https");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WithoutAPublicReferenceOnlySignedInStaffReadTheApiDescription()
    {
        await using var app = new PortalFactory(new() { ["Api:PublicReference"] = "false" });
        using var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/openapi/v1.json", "/api/reference/" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/account/login", response.Headers.Location!.OriginalString);
        }
        using var staff = await app.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/api/reference/")).StatusCode);
    }

    [Fact]
    public async Task TheApiDescriptionIsPublicByDefault()
    {
        await using var app = new PortalFactory();
        using var anonymous = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/reference/")).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        // HSTS is never sent for localhost; a proxy forwards the public host name.
        request.Headers.Host = "portal.example";
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return await client.SendAsync(request);
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc\\s*=)[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
