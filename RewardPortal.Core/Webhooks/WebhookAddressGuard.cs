using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace RewardPortal.Core.Webhooks;

/// <summary>A webhook URL was refused because of where it points.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps webhooks away from the portal's own network (SSRF): URLs must be absolute http(s) without credentials, and no
/// address they resolve to may be loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast or
/// reserved, nor an IPv6 address outside global unicast or one that tunnels to an IPv4 address (6to4, Teredo), unless
/// Webhooks:AllowPrivateNetworks is on. At send time the check runs inside the connection callback, on the very addresses
/// the socket connects to, so a DNS answer that changes between check and connect (rebinding) gains nothing.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedIPv4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this network", unspecified
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata (169.254.169.254)
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
    ];

    // IPv6 is allowed only in global unicast (2000::/3): everything else (loopback, unique local, link-local, multicast,
    // and the forms that carry an IPv4 address in their low bits: ::a.b.c.d, ::ffff:0:a.b.c.d) is refused as a whole.
    private static readonly (IPAddress Network, int Prefix) GlobalUnicast = (IPAddress.Parse("2000::"), 3);

    // Inside global unicast, ranges that reach IPv4 hosts through a relay (so an address can name 127.0.0.1 or the
    // metadata service), or that are not routed at all.
    private static readonly (IPAddress Network, int Prefix)[] BlockedIPv6 =
    [
        (IPAddress.Parse("2001::"), 23),        // IETF protocol assignments, Teredo (2001::/32) among them
        (IPAddress.Parse("2001:db8::"), 32),    // documentation
        (IPAddress.Parse("2002::"), 16),        // 6to4: the next 32 bits are an IPv4 address
        (IPAddress.Parse("3fff::"), 20),        // documentation
    ];

    // The well-known NAT64 prefix carries a public IPv4 address in real networks: judged by that address.
    private static readonly (IPAddress Network, int Prefix) Nat64 = (IPAddress.Parse("64:ff9b::"), 96);

    public bool AllowPrivateNetworks => options.Value.AllowPrivateNetworks;

    /// <summary>Whether a webhook may connect to this address when private networks are not allowed.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return !BlockedIPv4.Any(range => InRange(address, range));
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        if (address.IsIPv4MappedToIPv6 || InRange(address, Nat64))
            return IsPublic(new IPAddress(address.GetAddressBytes()[12..]));
        return InRange(address, GlobalUnicast) && !BlockedIPv6.Any(range => InRange(address, range));
    }

    /// <summary>The reason the URL's form is unacceptable, or null. Does not look up the host.</summary>
    public static string? CheckSyntax(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return "Enter the webhook URL.";
        if (url.Length > 2000)
            return "The URL is longer than 2000 characters.";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
            return "Enter an absolute URL, such as https://example.com/hooks/rewards.";
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return "The URL must start with https:// or http://.";
        if (string.IsNullOrEmpty(uri.Host))
            return "The URL has no host.";
        // HttpClient drops them when sending, and the URL is shown in the audit log and to Admins: a secret in it would leak.
        if (uri.UserInfo.Length > 0)
            return "The URL may not contain a user name or password; the webhook's signature tells your receiver the call is genuine.";
        return null;
    }

    /// <summary>
    /// The reason the URL is refused, or null: its form, then every address its host resolves to. A host that does not
    /// resolve now is accepted (it may go live later); the send-time check still applies.
    /// </summary>
    public async Task<string?> CheckAsync(string? url, CancellationToken cancellationToken = default)
    {
        var syntax = CheckSyntax(url);
        if (syntax is not null || AllowPrivateNetworks)
            return syntax;
        var host = new Uri(url!.Trim()).IdnHost;
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return null;
        }
        return Refusal(host, addresses);
    }

    /// <summary>The SocketsHttpHandler connect callback: resolve, check every address, connect to the checked ones.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (!AllowPrivateNetworks && Refusal(host, addresses) is { } refusal)
            throw new WebhookAddressRefusedException(refusal);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, cancellationToken);
    }

    private static string? Refusal(string host, IPAddress[] addresses)
    {
        var blocked = addresses.FirstOrDefault(a => !IsPublic(a));
        return blocked is null
            ? null
            : $"{host} resolves to {blocked}, a loopback, private, link-local, reserved or tunnelled address; "
                + $"webhooks may not call those (Webhooks:AllowPrivateNetworks is off).";
    }

    private static bool InRange(IPAddress address, (IPAddress Network, int Prefix) range)
    {
        if (address.AddressFamily != range.Network.AddressFamily)
            return false;
        var bytes = address.GetAddressBytes();
        var network = range.Network.GetAddressBytes();
        var bits = range.Prefix;
        for (var i = 0; i < bytes.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((bytes[i] & mask) != (network[i] & mask))
                return false;
        }
        return true;
    }
}
