using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RewardPortal.Tests.Infrastructure;

public static partial class SignIn
{
    /// <summary>A client that signs in through the real login form (antiforgery token and all) and keeps the cookie.</summary>
    public static async Task<HttpClient> ClientForAsync(this PortalFactory factory, string email, string password)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.PostAsync("/account/login", await LoginFormAsync(client, email, password));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("error") == true)
            throw new InvalidOperationException($"Sign-in as {email} failed: {response.StatusCode} {response.Headers.Location}");
        return client;
    }

    public static async Task<FormUrlEncodedContent> LoginFormAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync("/account/login");
        var token = TokenPattern().Match(page).Groups[1].Value;
        return new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        });
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
