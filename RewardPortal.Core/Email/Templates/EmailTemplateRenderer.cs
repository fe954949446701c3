using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using RewardPortal.Core.Common;
using RewardPortal.Core.Redemptions;

namespace RewardPortal.Core.Email.Templates;

/// <summary>
/// Liquid (Fluid) for the emails a program writes. Every value is HTML-encoded in the body unless a template asks
/// otherwise; the subject is plain text on one line. <see cref="Validate"/> is what Save runs: a template it accepts
/// renders for any redemption.
/// </summary>
public static partial class EmailTemplateRenderer
{
    public const int MaxSubjectLength = 500;
    public const int MaxBodyLength = 100_000;

    private static readonly FluidParser Parser = new();

    // Every character but the HTML-sensitive ones stays as typed, so names in any script read as themselves in the source.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    // A loop over a huge range, or a body that grows without end, stops instead of holding the sender.
    private static readonly TemplateOptions Options = new TemplateOptionsBuilder()
        .WithStrictFilters(true)
        .WithMaxSteps(100_000)
        .WithMaxOutputSize(1_000_000)
        .AddFilter("br", LineBreaks)
        .Build();

    /// <summary>Renders a template for one redemption; throws when it cannot (the sender then falls back to the built-in email).</summary>
    public static RenderedEmail Render(EmailTemplate template, Dictionary<string, object?> model)
    {
        var subjectTemplate = Parser.Parse(template.Subject);
        var bodyTemplate = Parser.Parse(template.Body);
        var subject = Spaces().Replace(subjectTemplate.Render(new TemplateContext(model, Options), NullEncoder.Default), " ").Trim();
        var html = bodyTemplate.Render(new TemplateContext(model, Options), Html);
        return new RenderedEmail(subject, html, EmailText.FromHtml(html));
    }

    /// <summary>Every problem of a template, by field ("subject", "body"), each naming its line and the reason.</summary>
    public static Dictionary<string, string> Validate(EmailTemplate template)
    {
        var errors = new Dictionary<string, string>();
        Check("subject", template.Subject, MaxSubjectLength, errors);
        Check("body", template.Body, MaxBodyLength, errors);
        if (errors.Count > 0)
            return errors;
        // Filters are found only when they run: try the template on a redemption in each status, every value present.
        foreach (var status in Enum.GetValues<RedemptionStatus>())
        {
            var (eventType, occurredAt, data) = EmailPlaceholders.Sample(status);
            var model = EmailPlaceholders.Model(eventType, occurredAt, data, SampleMoney, SampleLinks);
            foreach (var (field, source) in new[] { ("subject", template.Subject), ("body", template.Body) })
            {
                if (errors.ContainsKey(field))
                    continue;
                try
                {
                    Parser.Parse(source).Render(new TemplateContext(model, Options), field == "body" ? Html : NullEncoder.Default);
                }
                catch (Exception e) when (e is FluidException or InvalidOperationException)
                {
                    errors[field] = $"{LineOf(source, e.Message)}{e.Message}";
                }
            }
        }
        return errors;
    }

    public static void ThrowIfInvalid(EmailTemplate template)
    {
        var errors = Validate(template);
        if (errors.Count > 0)
            throw PortalException.Invalid(errors);
    }

    private static void Check(string field, string source, int maxLength, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            errors[field] = field == "subject" ? "Enter a subject." : "Enter a body.";
            return;
        }
        if (source.Length > maxLength)
        {
            errors[field] = $"At most {maxLength:N0} characters ({source.Length:N0} now).";
            return;
        }
        if (!Parser.TryParse(source, out var parsed, out _))
        {
            try
            {
                Parser.Parse(source);
            }
            catch (ParseException e)
            {
                var reason = Reason(e.Message);
                errors[field] = e.Position is { } at ? $"Line {at.Line}: {reason}" : reason;
            }
            return;
        }
        if (PlaceholderCheck.FirstUnknown(parsed) is { } unknown)
            errors[field] = $"{LineOf(source, unknown)}{{{{ {unknown} }}}} is not a placeholder. See the list of placeholders.";
    }

    // Fluid's message ends with where it is and the source line: the line is given separately.
    private static string Reason(string message)
    {
        var reason = message.Split('\n')[0];
        reason = AtPosition().Replace(reason, "");
        return reason.EndsWith('.') ? reason : reason + ".";
    }

    /// <summary>"Line N: " for the first line that mentions a name, or nothing when the name is not found.</summary>
    private static string LineOf(string source, string message)
    {
        var name = Quoted().Match(message) is { Success: true } m ? m.Groups[1].Value : message;
        var lines = source.Replace("\r", "").Split('\n');
        var pattern = new Regex(@"(?<![\w.])" + Regex.Escape(name) + @"(?![\w])");
        for (var i = 0; i < lines.Length; i++)
        {
            if (pattern.IsMatch(lines[i]))
                return $"Line {i + 1}: ";
        }
        return "";
    }

    private static ValueTask<FluidValue> LineBreaks(FluidValue input, FilterArguments arguments, TemplateContext context) =>
        new(StringValue.Create(string.Join("<br>", input.ToStringValue(context).Replace("\r", "").Split('\n').Select(Html.Encode)), encode: false));

    private static readonly Participants.MoneyFormat SampleMoney = new(Microsoft.Extensions.Options.Options.Create(new Participants.ProgramOptions()));

    private static readonly PortalLinks SampleLinks = new(Microsoft.Extensions.Options.Options.Create(new EmailOptions()));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\s*at \(\d+:\d+\)\s*$")]
    private static partial Regex AtPosition();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();
}
