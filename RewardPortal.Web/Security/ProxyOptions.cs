using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace RewardPortal.Web.Security;

/// <summary>
/// The TLS-terminating proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. With none set, no forwarded
/// header is: a client could otherwise claim any address (and so dodge the sign-in limits) or claim HTTPS.
/// </summary>
public class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, such as 10.0.0.5.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, such as 10.0.0.0/24.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

public static class ForwardedHeadersSetup
{
    public static IApplicationBuilder UseTrustedForwardedHeaders(this WebApplication app)
    {
        var proxies = app.Configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new();
        if (proxies.KnownProxies.Count == 0 && proxies.KnownNetworks.Count == 0)
            return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.KnownProxies)
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
        foreach (var network in proxies.KnownNetworks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a network in CIDR form (10.0.0.0/24)."));
        return app.UseForwardedHeaders(options);
    }
}
