using System.Text.Json.Nodes;
using Microsoft.Playwright;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class EventCatalogScreenTests
{
    [BrowserFact]
    public async Task TheOwnerFindsTheCatalogUnderNotificationsAndSendsAnExampleOnALaptopAndAPhone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new PortalFactory();
        var address = factory.StartOnRealPort();
        var webhook = await factory.CreateWebhookAsync(receiver.Url());
        await using var browser = await BrowserSession.StartAsync(address);

        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
            await Ui.GotoAsync(page, "/settings/notifications");
            await page.GetByTestId("event-catalog-link").ClickAsync();
            await page.WaitForURLAsync("**/settings/notifications/events");
            await Assertions.Expect(page.GetByTestId("event-type")).ToHaveCountAsync(EventCatalog.All.Count);
            await Assertions.Expect(page.GetByTestId("event-example").First).ToContainTextAsync("\"type\": \"redemption.requested\"");
            await Assertions.Expect(page.GetByTestId("event-example").First).ToContainTextAsync("St James's Square");

            await page.GetByTestId("send-example").First.ClickAsync();
            await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("delivered: HTTP 200");
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-event-catalog" : "event-catalog");
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= (phone ? 390 : 1366), $"The catalog scrolls sideways: {width}px wide.");
        }

        var requests = await receiver.WaitForAsync(2);
        Assert.All(requests, r => Assert.True(StandardWebhooks.Verify(webhook.Secret!, r)));
        Assert.All(requests, r => Assert.True((bool)JsonNode.Parse(r.Body)!["test"]!));
    }
}
