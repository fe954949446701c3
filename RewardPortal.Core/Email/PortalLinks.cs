using Microsoft.Extensions.Options;

namespace RewardPortal.Core.Email;

/// <summary>
/// Absolute links for emails: a mail client has no page to resolve a relative link against. Email:PublicBaseUrl when it
/// is set; otherwise the address the app serves on, which the host reports once it listens.
/// </summary>
public sealed class PortalLinks(IOptions<EmailOptions> options)
{
    private string? serverAddress;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl);

    public string BaseUrl => (IsConfigured ? options.Value.PublicBaseUrl! : serverAddress ?? "http://localhost").TrimEnd('/');

    /// <summary>The address the app listens on, for when Email:PublicBaseUrl is empty.</summary>
    public void UseServerAddress(string address)
    {
        // A wildcard binding (http://+:80, http://[::]:80) names no host a recipient could use.
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
            uri.Host = "localhost";
        serverAddress = uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    public string Absolute(string path) => BaseUrl + "/" + path.TrimStart('/');
}
