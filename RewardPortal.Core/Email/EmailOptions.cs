using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Email;

/// <summary>
/// How the SMTP connection is encrypted. Auto: TLS on connect for port 465, STARTTLS (required) on any other port.
/// Only None sends in plain text, credentials included.
/// </summary>
public enum SmtpSecurity { Auto, None, StartTls, SslOnConnect }

public class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    [Required, EmailAddress]
    public string From { get; set; } = "RewardPortal <rewards@localhost>";
    /// <summary>Where .eml files go when no SMTP host is set; relative paths are under the app's content root.</summary>
    [Required]
    public string PickupDirectory { get; set; } = "App_Data/mail-pickup";
    /// <summary>The portal's public address, for links in emails.</summary>
    public string? PublicBaseUrl { get; set; }
    public SmtpOptions Smtp { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl)
            && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new ValidationResult(
                $"Email:PublicBaseUrl must be an absolute http(s) address such as https://rewards.example.com (got '{PublicBaseUrl}').",
                [nameof(PublicBaseUrl)]);
    }
}

public class SmtpOptions
{
    public string? Host { get; set; }
    [Range(1, 65535)]
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>For tests against a local server with a self-signed certificate only.</summary>
    public bool AcceptAnyCertificate { get; set; }
}
