using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Email;

/// <summary>
/// Fulfilment emails: HTML with a plain-text alternative, carrying everything the team needs to fulfil a redemption;
/// and the participant's own email about their redemption. Everything that came from users is HTML-encoded, and every
/// link is absolute. A notification may write its own subject and body (<see cref="EmailTemplate"/>); one that cannot be
/// rendered gives way to the built-in email, so an email is never lost to a template.
/// </summary>
public sealed class NotificationEmailComposer(
    IOptions<EmailOptions> options, PortalLinks links, MoneyFormat money, ILogger<NotificationEmailComposer>? logger = null)
{
    public const string MyRedemptionsPath = "/portal/redemptions";

    private readonly ILogger log = logger ?? (ILogger)NullLogger.Instance;

    public MimeMessage Compose(
        string messageId, string eventType, DateTime occurredAt, string dataJson, IReadOnlyList<EmailRecipient> recipients, EmailTemplate? template = null)
    {
        var body = eventType == EventTypes.Digest ? DigestEmail.Compose(dataJson, Absolute)
            : EventTypes.IsRedemptionEvent(eventType)
            ? Written(
                template, eventType, occurredAt,
                dataJson) ?? Redemption(eventType, occurredAt, JsonSerializer.Deserialize<RedemptionEventData>(dataJson, PortalJson.Options)!)
            : Generic(eventType, occurredAt, dataJson);
        var message = NewMessage(body.Subject, body.Html, body.Text, recipients);
        // Stable across retries, like webhook-id: a mail system can drop the duplicate of an attempt that did arrive.
        message.MessageId = $"{messageId}@rewardportal";
        message.Headers.Add("X-RewardPortal-Delivery", messageId);
        return message;
    }

    public MimeMessage ComposeAlert(string title, string text, string? link, IReadOnlyList<EmailRecipient> recipients)
    {
        var html = new StringBuilder($"<h2>{E(title)}</h2><p>{E(text)}</p>");
        var plain = new StringBuilder($"{title}\n\n{text}\n");
        if (link is not null)
        {
            html.Append($"<p><a href=\"{E(Absolute(link))}\">Open in RewardPortal</a></p>");
            plain.Append($"\nOpen in RewardPortal: {Absolute(link)}\n");
        }
        return NewMessage("[RewardPortal] " + title, Page(html.ToString()), plain.ToString(), recipients);
    }

    public string Absolute(string path) => links.Absolute(path);

    /// <summary>
    /// The participant's email about their own redemption: the reward, its status, the team's message, the voucher code,
    /// what was refunded, and a link to My redemptions. Nothing the team sees about other people.
    /// </summary>
    public MimeMessage ComposeForParticipant(
        string messageId, string dataJson, EmailTemplate? template = null, string? eventType = null, DateTime occurredAt = default)
    {
        var data = JsonSerializer.Deserialize<RedemptionEventData>(dataJson, PortalJson.Options)!;
        var (redemption, participant, reward) = (data.Redemption, data.Participant, data.Reward);
        if (Written(
            template, eventType ?? EventOf(redemption.Status), occurredAt == default ? redemption.DecidedAt ?? redemption.CreatedAt : occurredAt,
            dataJson) is { } written)
            return ForParticipant(
                NewMessage(written.Subject, written.Html, written.Text, [new EmailRecipient(participant.Name, participant.Email)]), messageId);
        var status = redemption.Status.ToString();
        var headline = redemption.Status switch
        {
            RedemptionStatus.Fulfilled => $"Your {reward.Name} has been fulfilled.",
            RedemptionStatus.Refused => $"Your redemption of {reward.Name} was refused.",
            _ => $"We have your request for {reward.Name}: our team will fulfil it and let you know.",
        };
        var rows = new List<(string, string)> { ("Reward", reward.Name), ("Status", status), ("Cost", money.Format(redemption.CostCurrency, redemption.Cost)) };
        if (redemption.Message is not null)
            rows.Add(("Message from the team", redemption.Message));
        if (redemption.VoucherCode is not null)
            rows.Add(("Voucher code", redemption.VoucherCode));
        if (redemption.Status == RedemptionStatus.Refused)
            rows.Add(("Refunded", $"{money.Words(redemption.CostCurrency, redemption.Cost)}, back in your balance"));
        var link = Absolute(MyRedemptionsPath);

        var html = $"""
            <h2>{E(headline)}</h2>
            <p>Hello {E(participant.Name)},</p>
            {Table(rows)}
            <p><a href="{E(link)}">See My redemptions</a></p>
            """;
        var text = new StringBuilder($"{headline}\n\nHello {participant.Name},\n\n");
        foreach (var (name, value) in rows)
            text.Append($"  {name}: {value}\n");
        text.Append($"\nSee My redemptions: {link}\n");
        var message = NewMessage(
            $"{reward.Name}: {status.ToLowerInvariant()}", Page(html), text.ToString(), [new EmailRecipient(participant.Name, participant.Email)]);
        return ForParticipant(message, messageId);
    }

    /// <summary>A template rendered for one redemption event; throws what the template does wrong (the editor's preview shows it).</summary>
    public RenderedEmail Render(EmailTemplate template, string eventType, DateTime occurredAt, RedemptionEventData data) =>
        EmailTemplateRenderer.Render(template, EmailPlaceholders.Model(eventType, occurredAt, data, money, links));

    private static MimeMessage ForParticipant(MimeMessage message, string messageId)
    {
        // Its own id beside the team's email of the same delivery, stable across retries like theirs.
        message.MessageId = $"{messageId}.participant@rewardportal";
        message.Headers.Add("X-RewardPortal-Delivery", messageId);
        return message;
    }

    private (string Subject, string Html, string Text)? Written(EmailTemplate? template, string eventType, DateTime occurredAt, string dataJson)
    {
        if (template is null)
            return null;
        try
        {
            var rendered = Render(template, eventType, occurredAt, JsonSerializer.Deserialize<RedemptionEventData>(dataJson, PortalJson.Options)!);
            return (rendered.Subject, rendered.Html, rendered.Text);
        }
        catch (Exception e)
        {
            // Validated at save, so this is data the template did not expect: the built-in email still tells them.
            log.LogWarning(
                e, "The notification's email template could not be rendered for {EventType}; the built-in email is sent instead: {Error}", eventType,
                e.Message);
            return null;
        }
    }

    private static string EventOf(RedemptionStatus status) => status switch
    {
        RedemptionStatus.Fulfilled => EventTypes.RedemptionFulfilled,
        RedemptionStatus.Refused => EventTypes.RedemptionRefused,
        _ => EventTypes.RedemptionRequested,
    };

    private MimeMessage NewMessage(string subject, string html, string text, IReadOnlyList<EmailRecipient> recipients)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        foreach (var recipient in recipients)
            message.To.Add(new MailboxAddress(recipient.Name, recipient.Address));
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        return message;
    }

    private (string Subject, string Html, string Text) Redemption(string eventType, DateTime occurredAt, RedemptionEventData data)
    {
        var (redemption, participant, reward) = (data.Redemption, data.Participant, data.Reward);
        var link = Absolute($"/admin/redemptions/{redemption.Id}");
        var what = EventTypes.DisplayName(eventType, forWebhook: false);
        var subject = $"{what} #{redemption.Id}: {reward.Name} for {participant.Name}";

        var participantRows = new List<(string, string)>
        {
            ("Name", participant.Name),
            ("Email", participant.Email),
            ("Address", Address(participant.Address)),
        };
        participantRows.AddRange(participant.CustomFields.Select(f => (f.Key, f.Value)));
        var rewardRows = new List<(string, string)>
        {
            ("Reward", reward.Name),
            ("Type", reward.Type.Display()),
            ("Cost", money.Words(reward.CostCurrency, reward.Cost)),
            ("Description", reward.Description),
        };
        if (redemption.VoucherCode is not null)
            rewardRows.Add(("Voucher code", redemption.VoucherCode));
        rewardRows.AddRange(reward.Metadata.Select(m => (m.Key, m.Value)));
        if (redemption.Message is not null)
            rewardRows.Add(("Message to the participant", redemption.Message));

        var when = occurredAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var html = $"""
            <h2>{E(what)} #{redemption.Id}</h2>
            <p>{E(participant.Name)} redeemed <strong>{E(reward.Name)}</strong> on {when}.</p>
            <p><a href="{E(link)}">Open redemption #{redemption.Id} in RewardPortal</a></p>
            <h3>Participant</h3>
            {Table(participantRows)}
            <h3>Reward</h3>
            {Table(rewardRows)}
            """;
        var text = new StringBuilder($"{what} #{redemption.Id}\n\n{participant.Name} redeemed {reward.Name} on {when}.\n");
        text.Append($"Open it in RewardPortal: {link}\n\nParticipant\n");
        foreach (var (name, value) in participantRows)
            text.Append($"  {name}: {value.Replace("\n", ", ")}\n");
        text.Append("\nReward\n");
        foreach (var (name, value) in rewardRows)
            text.Append($"  {name}: {value}\n");
        return (subject, Page(html), text.ToString());
    }

    private static (string Subject, string Html, string Text) Generic(string eventType, DateTime occurredAt, string dataJson)
    {
        var what = EventTypes.DisplayName(eventType, forWebhook: false);
        var pretty = JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(dataJson), new JsonSerializerOptions { WriteIndented = true });
        var when = occurredAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return ($"{what} ({when})", Page($"<h2>{E(what)}</h2><p>{when}</p><pre>{E(pretty)}</pre>"), $"{what}\n{when}\n\n{pretty}\n");
    }

    private static string Page(string content) =>
        $"<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px\">{content}</body></html>";

    private static string Table(IEnumerable<(string Name, string Value)> rows)
    {
        var html = new StringBuilder("<table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        foreach (var (name, value) in rows)
            html.Append($"<tr><th align=\"left\" valign=\"top\">{E(name)}</th><td>{E(value).Replace("\n", "<br>")}</td></tr>");
        return html.Append("</table>").ToString();
    }

    internal static string Address(AddressPayload a)
    {
        var cityLine = string.Join(" ", new[] { a.City, a.Region, a.PostalCode }.Where(p => !string.IsNullOrWhiteSpace(p)));
        return string.Join("\n", new[] { a.Line1, a.Line2, cityLine, a.Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
    }

    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");
}
