using System.Net;
using System.Text;
using System.Text.Json;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications.Digests;

namespace RewardPortal.Core.Email;

/// <summary>A daily digest: one line per redemption event of the period (participant, reward, status, time), each linked.</summary>
internal static class DigestEmail
{
    public static (string Subject, string Html, string Text) Compose(string dataJson, Func<string, string> absolute)
    {
        var data = JsonSerializer.Deserialize<DigestData>(dataJson, PortalJson.Options)!;
        var count = data.Lines.Count == 1 ? "1 redemption event" : $"{data.Lines.Count} redemption events";
        var subject = $"{data.NotificationName}: {count} ({data.Day:yyyy-MM-dd})";
        var period = $"From {data.From} to {data.To} ({data.TimeZone})";

        var html = new StringBuilder($"<h2>{E(data.NotificationName)}</h2><p>{E(count)}. {E(period)}.</p>");
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th align=\"left\">Time</th><th align=\"left\">Participant</th>"
            + "<th align=\"left\">Reward</th><th align=\"left\">Status</th><th align=\"left\">Event</th><th></th></tr>");
        var text = new StringBuilder($"{data.NotificationName}\n\n{count}. {period}.\n\n");
        foreach (var line in data.Lines)
        {
            var what = EventTypes.DisplayName(line.EventType, forWebhook: false);
            var link = line.RedemptionId is { } id ? absolute($"/admin/redemptions/{id}") : null;
            html.Append($"<tr><td>{E(line.At)}</td><td>{E(line.Participant)} &lt;{E(line.ParticipantEmail)}&gt;</td><td>{E(line.Reward)}</td>"
                + $"<td>{E(line.Status)}</td><td>{E(what)}</td><td>{(link is null ? "" : $"<a href=\"{E(link)}\">#{line.RedemptionId}</a>")}</td></tr>");
            text.Append(
                $"  {line.At}  {line.Participant} <{line.ParticipantEmail}>  {line.Reward}  {line.Status}  {what}{(link is null ? "" : $"  {link}")}\n");
        }
        html.Append("</table>");
        return (subject,
            $"<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px\">{html}</body></html>",
            text.ToString());
    }

    private static string E(string? value) => WebUtility.HtmlEncode(value ?? "");
}
