namespace RewardPortal.Core.Email.Templates;

/// <summary>
/// The built-in emails written as templates: what the editor starts from and "Reset to default" brings back. A notification
/// without a template of its own sends the built-in email itself (<see cref="NotificationEmailComposer"/>), which these
/// render the same as.
/// </summary>
public static class DefaultEmailTemplates
{
    public const string TeamSubject = "{{ event.name }} #{{ redemption.id }}: {{ reward.name }} for {{ participant.name }}";

    public const string TeamBody = """
        <!DOCTYPE html>
        <html>
        <body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px">
        <h2>{{ event.name }} #{{ redemption.id }}</h2>
        <p>{{ participant.name }} redeemed <strong>{{ reward.name }}</strong> on {{ event.time }}.</p>
        <p><a href="{{ links.redemption }}">Open redemption #{{ redemption.id }} in RewardPortal</a></p>
        <h3>Participant</h3>
        <table cellpadding="4" style="border-collapse:collapse">
          <tr><th align="left" valign="top">Name</th><td>{{ participant.name }}</td></tr>
          <tr><th align="left" valign="top">Email</th><td>{{ participant.email }}</td></tr>
          <tr><th align="left" valign="top">Address</th><td>{{ participant.address | br }}</td></tr>
          {% for field in participant.custom_fields %}<tr><th align="left" valign="top">{{ field.name }}</th><td>{{ field.value | br }}</td></tr>{% endfor %}
        </table>
        <h3>Reward</h3>
        <table cellpadding="4" style="border-collapse:collapse">
          <tr><th align="left" valign="top">Reward</th><td>{{ reward.name }}</td></tr>
          <tr><th align="left" valign="top">Type</th><td>{{ reward.type }}</td></tr>
          <tr><th align="left" valign="top">Cost</th><td>{{ reward.value }}</td></tr>
          <tr><th align="left" valign="top">Description</th><td>{{ reward.description | br }}</td></tr>
          {% if redemption.voucher_code %}<tr><th align="left" valign="top">Voucher code</th><td>{{ redemption.voucher_code }}</td></tr>{% endif %}
          {% for item in reward.metadata %}<tr><th align="left" valign="top">{{ item.name }}</th><td>{{ item.value | br }}</td></tr>{% endfor %}
          {% if redemption.message %}<tr><th align="left" valign="top">Message to the participant</th><td>{{ redemption.message | br }}</td></tr>{% endif %}
        </table>
        </body>
        </html>
        """;

    public const string ParticipantSubject = "{{ reward.name }}: {{ redemption.status | downcase }}";

    public const string ParticipantBody = """
        <!DOCTYPE html>
        <html>
        <body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px">
        {% case redemption.status %}
        {% when "Fulfilled" %}<h2>Your {{ reward.name }} has been fulfilled.</h2>
        {% when "Refused" %}<h2>Your redemption of {{ reward.name }} was refused.</h2>
        {% else %}<h2>We have your request for {{ reward.name }}: our team will fulfil it and let you know.</h2>
        {% endcase %}
        <p>Hello {{ participant.name }},</p>
        <table cellpadding="4" style="border-collapse:collapse">
          <tr><th align="left" valign="top">Reward</th><td>{{ reward.name }}</td></tr>
          <tr><th align="left" valign="top">Status</th><td>{{ redemption.status }}</td></tr>
          <tr><th align="left" valign="top">Cost</th><td>{{ redemption.cost }}</td></tr>
          {% if redemption.message %}<tr><th align="left" valign="top">Message from the team</th><td>{{ redemption.message | br }}</td></tr>{% endif %}
          {% if redemption.voucher_code %}<tr><th align="left" valign="top">Voucher code</th><td>{{ redemption.voucher_code }}</td></tr>{% endif %}
          {% if redemption.refund %}<tr><th align="left" valign="top">Refunded</th><td>{{ redemption.refund }}, back in your balance</td></tr>{% endif %}
        </table>
        <p><a href="{{ links.my_redemptions }}">See My redemptions</a></p>
        </body>
        </html>
        """;

    public static EmailTemplate For(EmailAudienceKind audience) => audience == EmailAudienceKind.Team
        ? new EmailTemplate(TeamSubject, TeamBody)
        : new EmailTemplate(ParticipantSubject, ParticipantBody);
}
