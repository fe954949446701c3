using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Email;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Configuration;

/// <summary>Program:CashCurrency and Email:PublicBaseUrl: checked at start, and what the app does without a public address.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class ProgramSettingsTests
{
    [Theory]
    [InlineData("Program:CashCurrency", "usd")]
    [InlineData("Program:CashCurrency", "XYZ")]
    [InlineData("Email:PublicBaseUrl", "rewards.example.com")]
    [InlineData("Email:PublicBaseUrl", "ftp://rewards.example.com")]
    public void AWrongValueStopsTheAppAtStartNamingTheKey(string key, string value)
    {
        using var factory = new PortalFactory(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => factory.Server);

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void WithoutAPublicAddressEmailLinksUseTheAddressTheAppServesOnAndTheLogSaysSo()
    {
        using var factory = new PortalFactory(new() { ["Email:PublicBaseUrl"] = "" });
        var address = factory.StartOnRealPort();

        var link = factory.Services.GetRequiredService<NotificationEmailComposer>().Absolute("/portal/redemptions");

        Assert.Equal($"http://127.0.0.1:{address.Port}/portal/redemptions", link);
        Assert.Contains(factory.Logs.Lines, l => l.Contains("Email:PublicBaseUrl") && l.Contains($"http://127.0.0.1:{address.Port}"));
    }

    [Fact]
    public void WithAPublicAddressLinksUseItAndNothingIsWarned()
    {
        using var factory = new PortalFactory(new() { ["Email:PublicBaseUrl"] = "https://rewards.example.com/" });
        _ = factory.Server;

        Assert.Equal("https://rewards.example.com/portal/redemptions",
            factory.Services.GetRequiredService<NotificationEmailComposer>().Absolute("portal/redemptions"));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("Email:PublicBaseUrl"));
    }
}
