using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using MimeKit;
using RewardPortal.Core.Email;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Events;
using RewardPortal.Core.Redemptions;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Email;

/// <summary>The emails a program writes: Liquid templates checked at save, encoded on render, and never losing an email.</summary>
public sealed class EmailTemplateTests
{
    private readonly NotificationEmailComposer composer = TestMail.Composer(Options.Create(new EmailOptions { PublicBaseUrl = "https://rewards.example.com" }));

    [Fact]
    public void HostileValuesAreHtmlEncodedInTheBodyAndPlainInTheSubject()
    {
        var (eventType, at, data) = EmailPlaceholders.Sample(RedemptionStatus.Fulfilled);
        data = data with
        {
            Participant = data.Participant with { Name = "<script>alert(\"x\")</script> O'Brien" },
            Reward = data.Reward with { Metadata = new Dictionary<string, string> { ["<b>sku</b>"] = "\"><img src=x onerror=alert(1)>" } },
        };
        var template = new EmailTemplate("Hello {{ participant.name }}",
            "<p>{{ participant.name }}</p><a title=\"{{ participant.name }}\">x</a>"
                + "{% for item in reward.metadata %}<i>{{ item.name }}={{ item.value | br }}</i>{% endfor %}");

        var email = composer.Render(template, eventType, at, data);

        Assert.DoesNotContain("<script", email.Html);
        Assert.DoesNotContain("<img", email.Html);
        Assert.DoesNotContain("<b>", email.Html);
        Assert.Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien", email.Html);
        Assert.DoesNotContain("title=\"<", email.Html);
        Assert.Equal("Hello <script>alert(\"x\")</script> O'Brien", email.Subject);
        Assert.Contains("<script>alert(\"x\")</script> O'Brien", email.Text);
    }

    [Fact]
    public void ABrokenTemplateIsRefusedWithItsLineAndTheReason()
    {
        var errors = EmailTemplateRenderer.Validate(new EmailTemplate("Fine", "<p>Hello</p>\n<p>{{ participant.name </p>\n"));

        Assert.StartsWith("Line 2: ", errors["body"]);
        Assert.Contains("'}}' was expected", errors["body"]);
        Assert.False(errors.ContainsKey("subject"));
    }

    [Fact]
    public void AnUnclosedTagIsRefusedWithTheLineItWasExpectedOn()
    {
        var errors = EmailTemplateRenderer.Validate(new EmailTemplate("Fine", "<p>Hello</p>\n{% if redemption.message %}\n<p>{{ redemption.message }}</p>"));

        Assert.Equal("Line 3: '{% endif %}' was expected.", errors["body"]);
    }

    [Theory]
    [InlineData("<p>Hi</p>\n<p>{{ participant.nme }}</p>", "Line 2: {{ participant.nme }} is not a placeholder.")]
    [
        InlineData(
            "{% if redemption.voucher_code %}\nyes\n{% else %}\n{{ redemption.vouchercode }}\n{% endif %}",
            "Line 4: {{ redemption.vouchercode }} is not a placeholder.")]
    [
        InlineData(
            "{% for field in participant.custom_fields %}\n{{ field.name }}={{ field.valeu }}\n{% endfor %}",
            "Line 2: {{ field.valeu }} is not a placeholder.")]
    [InlineData("<p>{{ customer.name }}</p>", "Line 1: {{ customer.name }} is not a placeholder.")]
    public void AnUnknownPlaceholderIsRefusedWithItsLineInAnyBranch(string body, string expected)
    {
        var errors = EmailTemplateRenderer.Validate(new EmailTemplate("Fine", body));

        Assert.StartsWith(expected, errors["body"]);
    }

    [Fact]
    public void AnUnknownFilterIsRefusedWithItsLine()
    {
        var errors = EmailTemplateRenderer.Validate(new EmailTemplate("{{ reward.name }}", "<p>Hi</p>\n<p>{{ reward.name | shout }}</p>"));

        Assert.StartsWith("Line 2: ", errors["body"]);
        Assert.Contains("shout", errors["body"]);
    }

    [Fact]
    public void ATemplateOverTheSizeLimitIsRefused()
    {
        var errors = EmailTemplateRenderer.Validate(new EmailTemplate(new string('s', 501), new string('b', EmailTemplateRenderer.MaxBodyLength + 1)));

        Assert.StartsWith("At most 500 characters", errors["subject"]);
        Assert.StartsWith("At most 100,000 characters", errors["body"]);
    }

    [Fact]
    public void LocalsLoopsAndLiquidsOwnNamesAreAccepted()
    {
        var body = """
            {% assign greeting = "Hello" %}{% capture who %}{{ participant.name }}{% endcapture %}
            <p>{{ greeting }} {{ who | upcase }}</p>
            {% for item in reward.metadata %}{{ forloop.index }}. {{ item.name }}: {{ item.value }}{% endfor %}
            {% if participant.custom_fields.size > 0 %}{{ participant.custom_fields.first.name }}{% endif %}
            """;

        Assert.Empty(EmailTemplateRenderer.Validate(new EmailTemplate("{{ redemption.status | downcase }}", body)));
    }

    [Theory]
    [InlineData(EmailAudienceKind.Team)]
    [InlineData(EmailAudienceKind.Participant)]
    public void TheDefaultTemplatesAreValid(EmailAudienceKind audience) =>
        Assert.Empty(EmailTemplateRenderer.Validate(DefaultEmailTemplates.For(audience)));

    [Theory]
    [InlineData(RedemptionStatus.Requested)]
    [InlineData(RedemptionStatus.Fulfilled)]
    [InlineData(RedemptionStatus.Refused)]
    public void TheDefaultTemplatesRenderWhatTheBuiltInEmailsSay(RedemptionStatus status)
    {
        var (eventType, at, data) = EmailPlaceholders.Sample(status);
        data = data with { Participant = data.Participant with { Address = data.Participant.Address with { Line2 = "Flat 2" } } };
        var json = JsonSerializer.Serialize(data, PortalJson.Options);

        var team = composer.Compose("m1", eventType, at, json, [new EmailRecipient("Team", "team@example.com")]);
        var teamWritten = composer.Render(DefaultEmailTemplates.For(EmailAudienceKind.Team), eventType, at, data);
        Assert.Equal(team.Subject, teamWritten.Subject);
        Assert.Equal(Markup(team.HtmlBody), Markup(teamWritten.Html));

        var participant = composer.ComposeForParticipant("m1", json);
        var participantWritten = composer.Render(DefaultEmailTemplates.For(EmailAudienceKind.Participant), eventType, at, data);
        Assert.Equal(participant.Subject, participantWritten.Subject);
        Assert.Equal(Markup(participant.HtmlBody), Markup(participantWritten.Html));
    }

    [Fact]
    public void ThePlainTextIsDerivedFromTheHtml()
    {
        var text = EmailText.FromHtml("""
            <!DOCTYPE html><html><head><style>p{color:red}</style></head><body>
            <h2>Your hoodie &amp; more</h2>
            <p>Hello   Ada,</p>
            <table><tr><th>Reward</th><td>Hoodie</td></tr><tr><th>Address</th><td>12 Square<br>London</td></tr></table>
            <p><a href="https://rewards.example.com/portal/redemptions">See My redemptions</a></p>
            </body></html>
            """);

        Assert.Equal(
            "Your hoodie & more\n\nHello Ada,\n\nReward: Hoodie\nAddress: 12 Square\nLondon\n\n"
                + "See My redemptions: https://rewards.example.com/portal/redemptions\n",
            text);
    }

    [Fact]
    public void AWrittenEmailCarriesTheTemplatesSubjectHtmlAndDerivedText()
    {
        var (eventType, at, data) = EmailPlaceholders.Sample(RedemptionStatus.Refused);
        var template = new EmailTemplate("Sorry, {{ participant.name }}", "<h1>{{ reward.name }}</h1><p>Refunded: {{ redemption.refund }}</p>");

        var message = composer.ComposeForParticipant("m2", JsonSerializer.Serialize(data, PortalJson.Options), template, eventType, at);

        Assert.Equal("Sorry, Ada Lovelace", message.Subject);
        Assert.Contains("<h1>Branded hoodie</h1>", message.HtmlBody);
        Assert.Equal("Branded hoodie\n\nRefunded: 500 points\n", message.TextBody);
        Assert.Equal("m2.participant@rewardportal", message.MessageId);
    }

    [Fact]
    public void ATemplateThatFailsWhenSendingGivesWayToTheBuiltInEmail()
    {
        var (eventType, at, data) = EmailPlaceholders.Sample(RedemptionStatus.Requested);
        var json = JsonSerializer.Serialize(data, PortalJson.Options);
        // Never saved (the check refuses it): a loop past the step limit stands for data the template did not expect.
        var runaway = new EmailTemplate("Endless", "{% for i in (1..1000000) %}{{ i }}{% endfor %}");
        var logger = new ListLogger<NotificationEmailComposer>();
        var guarded = new NotificationEmailComposer(Options.Create(new EmailOptions()), new PortalLinks(Options.Create(new EmailOptions())),
            new Core.Participants.MoneyFormat(Options.Create(new Core.Participants.ProgramOptions())), logger);

        var message = guarded.Compose("m3", eventType, at, json, [new EmailRecipient("Team", "team@example.com")], runaway);

        Assert.Equal(guarded.Compose("m3", eventType, at, json, [new EmailRecipient("Team", "team@example.com")]).HtmlBody, message.HtmlBody);
        Assert.StartsWith("Reward Redemption #41", message.Subject);
        Assert.Contains(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("built-in email is sent instead"));
    }

    // Whitespace between tags and how a character is encoded differ between a template and the built-in code, not what a reader sees.
    private static string Markup(string? html) => WebUtility.HtmlDecode(Regex.Replace(html ?? "", @">\s+<", "><")).Trim();
}

internal sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(
        Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState,
        Exception?, string> formatter)
    {
        lock (Entries)
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
