using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Email.Templates;

/// <summary>An email notification's emails as the editor shows them: each audience's template, written or the default.</summary>
public sealed record EmailTemplateEditorData(
    long Id, string Name, IReadOnlyList<EmailAudienceKind> Audiences, IReadOnlyDictionary<EmailAudienceKind, EmailTemplate> Templates,
    IReadOnlySet<EmailAudienceKind> Written);

/// <summary>What the preview shows: the email as it would be sent, which redemption it was made for, or what stops it.</summary>
public sealed record EmailPreview(RenderedEmail? Email, string Source, IReadOnlyDictionary<string, string> Errors);

/// <summary>
/// The emails an email notification writes (Settings > Notifications > Email): read, check, save, reset and preview.
/// Email notifications are the Admins' and the Owner's, as in <see cref="NotificationService"/>.
/// </summary>
public sealed class EmailTemplateService(IDbContextFactory<RewardPortalDbContext> dbFactory, NotificationEmailComposer composer)
{
    public async Task<EmailTemplateEditorData> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var n = await FindAsync(db, id, cancellationToken);
        var audiences = new List<EmailAudienceKind>();
        if (n.Recipients.Count > 0 || !n.NotifyParticipant)
            audiences.Add(EmailAudienceKind.Team);
        if (n.NotifyParticipant)
            audiences.Add(EmailAudienceKind.Participant);
        var written = EmailTemplates.Of(n.EmailSubjectTemplate, n.EmailBodyTemplate, n.ParticipantEmailSubjectTemplate, n.ParticipantEmailBodyTemplate);
        var templates = Enum.GetValues<EmailAudienceKind>().ToDictionary(a => a, a => written?.For(a) ?? DefaultEmailTemplates.For(a));
        var writtenAudiences = Enum.GetValues<EmailAudienceKind>().Where(a => written?.For(a) is not null).ToHashSet();
        return new EmailTemplateEditorData(n.Id, n.Name, audiences, templates, writtenAudiences);
    }

    /// <summary>Saves a template after <see cref="EmailTemplateRenderer.Validate"/>; the default itself is saved as "no template".</summary>
    public async Task SaveAsync(long id, EmailAudienceKind audience, EmailTemplate template, string actor, CancellationToken cancellationToken = default)
    {
        template = new EmailTemplate(template.Subject.Replace("\r\n", "\n"), template.Body.Replace("\r\n", "\n"));
        EmailTemplateRenderer.ThrowIfInvalid(template);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var n = await FindAsync(db, id, cancellationToken);
        var stored = template == DefaultEmailTemplates.For(audience) ? null : template;
        Set(n, audience, stored);
        db.Audit(actor, stored is null ? "notification.email_reset" : "notification.email_written", nameof(Notification), id, $"{audience} email of {n.Name}");
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task ResetAsync(long id, EmailAudienceKind audience, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var n = await FindAsync(db, id, cancellationToken);
        Set(n, audience, null);
        db.Audit(actor, "notification.email_reset", nameof(Notification), id, $"{audience} email of {n.Name}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The email as it would go out for the newest redemption event this notification matches (a sample when none does):
    /// the default renders through the built-in email, exactly what is sent; a written one through the template.
    /// </summary>
    public async Task<EmailPreview> PreviewAsync(long id, EmailAudienceKind audience, EmailTemplate template, CancellationToken cancellationToken = default)
    {
        var errors = EmailTemplateRenderer.Validate(template);
        var (eventType, occurredAt, dataJson, source) = await NewestMatchingAsync(id, cancellationToken);
        if (errors.Count > 0)
            return new EmailPreview(null, source, errors);
        try
        {
            if (template != DefaultEmailTemplates.For(audience))
            {
                var data = JsonSerializer.Deserialize<RedemptionEventData>(dataJson, PortalJson.Options)!;
                return new EmailPreview(composer.Render(template, eventType, occurredAt, data), source, errors);
            }
            var message = audience == EmailAudienceKind.Team
                ? composer.Compose("preview", eventType, occurredAt, dataJson, [new EmailRecipient("Team", "team@localhost")])
                : composer.ComposeForParticipant("preview", dataJson);
            return new EmailPreview(new RenderedEmail(message.Subject ?? "", message.HtmlBody ?? "", message.TextBody ?? ""), source, errors);
        }
        catch (Exception e) when (e is Fluid.FluidException or InvalidOperationException)
        {
            return new EmailPreview(null, source, new Dictionary<string, string> { ["body"] = e.Message });
        }
    }

    private async Task<(string EventType, DateTime OccurredAt, string DataJson, string Source)> NewestMatchingAsync(
        long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var n = await db.Notifications.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.EventTypes, x.RedemptionTypes }).SingleAsync(cancellationToken);
        var types = n.EventTypes.Where(EventTypes.IsRedemptionEvent).ToList();
        var rewardTypes = n.RedemptionTypes.Select(t => (RewardType?)t).ToList();
        var newest = await db.Events.AsNoTracking()
            .Where(e => types.Contains(e.Type) && (rewardTypes.Count == 0 || rewardTypes.Contains(e.RewardType)))
            .OrderByDescending(e => e.Id)
            .Select(e => new { e.Type, e.OccurredAt, e.DataJson, e.RedemptionId })
            .FirstOrDefaultAsync(cancellationToken);
        if (newest is not null)
            return (newest.Type, newest.OccurredAt, newest.DataJson, $"Redemption #{newest.RedemptionId}, the newest this notification matches");
        var status = types.Contains(EventTypes.RedemptionRequested) || types.Count == 0 ? Redemptions.RedemptionStatus.Requested
            : types.Contains(EventTypes.RedemptionFulfilled) ? Redemptions.RedemptionStatus.Fulfilled : Redemptions.RedemptionStatus.Refused;
        var (eventType, occurredAt, data) = EmailPlaceholders.Sample(status);
        return (eventType, occurredAt, JsonSerializer.Serialize(data, PortalJson.Options), "A sample redemption: none matches this notification yet");
    }

    private static async Task<Notification> FindAsync(RewardPortalDbContext db, long id, CancellationToken cancellationToken) =>
        await db.Notifications.Include(n => n.Recipients)
            .SingleOrDefaultAsync(n => n.Id == id && !n.IsDeleted && n.Channel == NotificationChannel.Email, cancellationToken)
        ?? throw PortalException.NotFound("The email notification");

    private static void Set(Notification n, EmailAudienceKind audience, EmailTemplate? template)
    {
        if (audience == EmailAudienceKind.Team)
            (n.EmailSubjectTemplate, n.EmailBodyTemplate) = (template?.Subject, template?.Body);
        else
            (n.ParticipantEmailSubjectTemplate, n.ParticipantEmailBodyTemplate) = (template?.Subject, template?.Body);
    }
}
