using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Identity;

namespace RewardPortal.Core.Alerts;

/// <summary>
/// Emails new alerts to their audience (the Owner, and Admins where the alert is theirs). Alerts are rows written
/// with the change that raised them, so an alert is mailed even if the app stopped right after raising it.
/// Runs as a recurring background job.
/// </summary>
public sealed class AlertMailer(
    IDbContextFactory<RewardPortalDbContext> dbFactory, IMailTransport mail, IOptions<EmailOptions> options, TimeProvider clock, ILogger<AlertMailer> logger)
{
    public async Task SendPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var alerts = await db.Alerts.Where(a => a.EmailedAt == null).OrderBy(a => a.Id).Take(100).ToListAsync(cancellationToken);
        if (alerts.Count == 0)
            return;

        var recipients = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, Role = r.Name })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new { x.Role, u.Email, u.DisplayName, u.IsDisabled })
            .Where(x => (x.Role == Roles.Owner || x.Role == Roles.Admin) && !x.IsDisabled && x.Email != null)
            .ToListAsync(cancellationToken);

        var messages = new List<MimeMessage>();
        foreach (var alert in alerts)
        {
            var to = recipients.Where(r => r.Role == Roles.Owner || alert.Audience == Roles.Admin).DistinctBy(r => r.Email).ToList();
            if (to.Count > 0)
                messages.Add(Compose(alert, to.Select(r => new MailboxAddress(r.DisplayName, r.Email!))));
        }
        await mail.SendAsync(messages, cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var alert in alerts)
            alert.EmailedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Emailed {Count} alert(s).", alerts.Count);
    }

    private MimeMessage Compose(Alert alert, IEnumerable<MailboxAddress> to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.AddRange(to);
        message.Subject = $"[RewardPortal] {alert.Title}";
        var link = alert.Link is null ? null : (options.Value.PublicBaseUrl?.TrimEnd('/') ?? "") + alert.Link;
        var body = new BodyBuilder
        {
            TextBody = $"{alert.Title}\n\n{alert.Body}\n{(link is null ? "" : "\n" + link)}\n",
            HtmlBody = $"<h2>{WebUtility.HtmlEncode(alert.Title)}</h2><p>{WebUtility.HtmlEncode(alert.Body)}</p>"
                + (link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Open in RewardPortal</a></p>"),
        };
        message.Body = body.ToMessageBody();
        return message;
    }
}
