using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Data;
using RewardPortal.Core.Email;
using RewardPortal.Core.Identity;

namespace RewardPortal.Core.Alerts;

/// <summary>
/// Emails new alerts to their audience (the Owner, and Admins where the alert is theirs). Alerts are rows written
/// with the change that raised them, so an alert is mailed even if the app stopped right after raising it. Runs as a
/// recurring job and right after an alert is raised; each alert is claimed with a conditional update before it is
/// sent, so runs that overlap (on one node or several) never mail one alert twice.
/// </summary>
public sealed class AlertMailer(
    IDbContextFactory<RewardPortalDbContext> dbFactory, IMailTransport mail, NotificationEmailComposer composer, TimeProvider clock,
    ILogger<AlertMailer> logger)
{
    /// <summary>Longer than any send; a claim older than this belongs to a node that stopped, and its alert goes out again.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    public async Task SendPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Alerts.AsNoTracking()
            .Where(a => a.EmailedAt == null && (a.MailClaimedUntil == null || a.MailClaimedUntil < now))
            .OrderBy(a => a.Id).Take(100).ToListAsync(cancellationToken);
        var alerts = new List<Alert>(candidates.Count);
        foreach (var alert in candidates)
            if (await ClaimAsync(db, alert.Id, now, cancellationToken))
                alerts.Add(alert);
        if (alerts.Count == 0)
            return;

        var recipients = await db.UserRoles
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, Role = r.Name })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new { x.Role, u.Email, u.DisplayName, u.IsDisabled })
            .Where(x => (x.Role == Roles.Owner || x.Role == Roles.Admin) && !x.IsDisabled && x.Email != null)
            .ToListAsync(cancellationToken);
        var messages = alerts
            .Select(alert => recipients.Where(r => r.Role == Roles.Owner || alert.Audience == Roles.Admin).DistinctBy(r => r.Email)
                .Select(r => new EmailRecipient(r.DisplayName, r.Email!)).ToList() is { Count: > 0 } to
                ? composer.ComposeAlert(alert.Title, alert.Body ?? "", alert.Link, to)
                : null)
            .OfType<MimeKit.MimeMessage>().ToList();
        var ids = alerts.Select(a => a.Id).ToList();
        try
        {
            await mail.SendAsync(messages, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Given back at once: the next run (a minute at most) tries again. The alerts stand in the app meanwhile.
            await db.Alerts.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(
                s => s.SetProperty(a => a.MailClaimedUntil, (DateTime?)null), CancellationToken.None);
            logger.LogWarning(e, "Could not email {Count} alert(s); trying again on the next run.", alerts.Count);
            return;
        }
        var sentAt = clock.GetUtcNow().UtcDateTime;
        await db.Alerts.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(s => s.SetProperty(a => a.EmailedAt, sentAt), CancellationToken.None);
        logger.LogInformation("Emailed {Count} alert(s).", alerts.Count);
    }

    private static async Task<bool> ClaimAsync(RewardPortalDbContext db, long id, DateTime now, CancellationToken cancellationToken) =>
        await db.Alerts
            .Where(a => a.Id == id && a.EmailedAt == null && (a.MailClaimedUntil == null || a.MailClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.MailClaimedUntil, now + ClaimFor), cancellationToken) == 1;
}
