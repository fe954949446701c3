using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Settings;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class EmailTemplatePageTests : AdminComponentTest
{
    private async Task<(IRenderedComponent<EmailTemplatePage> Page, long Id)> OpenAsync()
    {
        var team = await CreateUserAsync("tina@example.com", Roles.TeamMember);
        var created = await Services.GetRequiredService<NotificationService>().CreateAsync(
            new NotificationInput(
                "Fulfilment team", NotificationChannel.Email, [EventTypes.RedemptionRequested], Enum.GetValues<RewardType>(), [team], null, true),
            "test", isOwner: true);
        var page = Render<EmailTemplatePage>(p => p.Add(x => x.Id, created.Id));
        page.WaitForAssertion(() => Assert.Contains("A sample redemption", page.Find("[data-testid=preview-source]").TextContent));
        return (page, created.Id);
    }

    private static void Type(IRenderedComponent<EmailTemplatePage> page, string testId, string value) =>
        page.Find($"[data-testid={testId}]").Input(value);

    [Fact]
    public async Task TheEditorStartsFromTheBuiltInEmailAndPreviewsItInASandboxedFrame()
    {
        var (page, _) = await OpenAsync();

        Assert.Equal("The built-in email", page.Find("[data-testid=template-state]").TextContent);
        Assert.Equal(DefaultEmailTemplates.TeamBody, page.Find("[data-testid=body]").GetAttribute("value"));
        var frame = page.Find("[data-testid=preview-html]");
        Assert.Equal("", frame.GetAttribute("sandbox"));
        Assert.Contains("Ada Lovelace", frame.GetAttribute("srcdoc"));
        page.FindAll(".mud-tab").Single(t => t.TextContent == "Plain text").Click();
        Assert.Contains("Ada Lovelace", page.Find("[data-testid=preview-text]").TextContent);
        Assert.Equal(EmailPlaceholders.All.Count, page.FindAll("[data-testid=placeholder]").Count);
    }

    [Fact]
    public async Task ABrokenTemplateIsRefusedAtSaveWithItsLineAndNothingIsSaved()
    {
        var (page, id) = await OpenAsync();

        Type(page, "body", "<p>Hello</p>\n<p>{{ participant.name </p>");
        page.Find("[data-testid=save-template]").Click();

        page.WaitForAssertion(() => Assert.Contains("Line 2: End of tag '}}' was expected.", page.Find("[data-testid=template-errors]").TextContent));
        await using var db = Database.CreateDbContext();
        Assert.Null((await db.Notifications.SingleAsync(n => n.Id == id)).EmailBodyTemplate);
    }

    [Fact]
    public async Task AnUnknownPlaceholderIsRefusedAtSaveWithItsLine()
    {
        var (page, id) = await OpenAsync();

        Type(page, "body", "<p>Hello</p>\n\n<p>{{ reward.colour }}</p>");
        page.Find("[data-testid=save-template]").Click();

        page.WaitForAssertion(
            () => Assert.Contains("Line 3: {{ reward.colour }} is not a placeholder.", page.Find("[data-testid=template-errors]").TextContent));
        await using var db = Database.CreateDbContext();
        Assert.Null((await db.Notifications.SingleAsync(n => n.Id == id)).EmailBodyTemplate);
    }

    [Fact]
    public async Task ASavedTemplateIsWrittenAndResetToDefaultBringsBackTheBuiltInEmail()
    {
        var (page, id) = await OpenAsync();

        Type(page, "subject", "For {{ participant.name }}");
        Type(page, "body", "<h1>{{ reward.name }}</h1>");
        page.WaitForAssertion(() => Assert.Equal("For Ada Lovelace", page.Find("[data-testid=preview-subject]").TextContent));
        page.Find("[data-testid=save-template]").Click();

        page.WaitForAssertion(() => Assert.Equal("Written for this notification", page.Find("[data-testid=template-state]").TextContent));
        await using (var db = Database.CreateDbContext())
        {
            var saved = await db.Notifications.SingleAsync(n => n.Id == id);
            Assert.Equal(("For {{ participant.name }}", "<h1>{{ reward.name }}</h1>"), (saved.EmailSubjectTemplate, saved.EmailBodyTemplate));
        }
        page.Find("[data-testid=reset-template]").Click();
        Dialogs.WaitForElement(".mud-dialog button:last-child").Click();

        page.WaitForAssertion(() => Assert.Equal("The built-in email", page.Find("[data-testid=template-state]").TextContent));
        await using (var db = Database.CreateDbContext())
        {
            var reset = await db.Notifications.SingleAsync(n => n.Id == id);
            Assert.Null(reset.EmailSubjectTemplate);
            Assert.Null(reset.EmailBodyTemplate);
        }
    }
}
