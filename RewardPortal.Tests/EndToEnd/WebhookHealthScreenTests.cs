using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Tests.Webhooks;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>Webhook health and Re-enable and re-send in Chromium, as the Owner, at desk and phone width.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class WebhookHealthScreenTests
{
    [BrowserFact]
    public async Task TheOwnerSeesEachWebhooksHealthAndBringsATurnedOffOneBackWithWhatFailed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var factory = new PortalFactory(TestData.FastRetries());
        var address = factory.StartOnRealPort();
        var now = DateTime.UtcNow;
        var scene = new WebhookHealthScene(factory.Services.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>());
        var healthy = await scene.WebhookAsync("Fulfilment system", now, receiver.Url("fulfilment"));
        var slow = await scene.WebhookAsync("Warehouse", now, receiver.Url("warehouse"));
        var dead = await scene.WebhookAsync("Old CRM", now, receiver.Url("crm"));
        await scene.FailingHourlyAsync(dead, now.AddDays(-5).AddHours(-2), now.AddHours(-21));
        for (var i = 20; i >= 1; i--)
        {
            await scene.DeliveryAsync(healthy, now.AddHours(-i), (now.AddHours(-i), true, 90 + i * 7));
            await scene.DeliveryAsync(
                slow, now.AddHours(-i),
                i % 4 == 0 ? [(now.AddHours(-i), false, 15_000), (now.AddHours(-i).AddSeconds(5), true, 900)] : [(now.AddHours(-i), true, 700 + i * 20)]);
        }
        await scene.DeliveryAsync(slow, now.AddMinutes(-5), DeliveryStatus.Pending, (now.AddMinutes(-5), false, 15_000));
        await scene.FailingHourlyAsync(dead, now.AddHours(-20), now.AddHours(-1));
        await factory.WithServiceAsync<List<long>, Core.Webhooks.WebhookAutoDisableJob>(job => job.RunAsync(CancellationToken.None));

        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        await page.GotoAsync("/settings/notifications");
        await Assertions.Expect(page.GetByTestId("webhook-health")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("reenable")).ToHaveCountAsync(1);
        await BrowserSession.ScreenshotAsync(page, "webhook-health");

        await page.GetByTestId("reenable").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reenable-count")).ToContainTextAsync("failed deliveries will be re-sent");
        await page.GetByTestId("reenable-since").FillAsync(now.AddDays(-6).ToString("yyyy-MM-ddTHH:mm"));
        await Assertions.Expect(page.GetByTestId("reenable-count")).ToContainTextAsync("122 failed deliveries will be re-sent", new() { Timeout = 15_000 });
        await BrowserSession.ScreenshotAsync(page, "webhook-reenable-dialog");
        await page.GetByTestId("reenable-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reenable")).ToHaveCountAsync(0);

        await Wait.UntilAsync(() => Task.FromResult(receiver.Requests.Count(r => r.Path == "/crm") == 122), what: "the 122 re-sent deliveries");

        var phone = await browser.NewPageAsync(phone: true);
        await BrowserSession.SignInAsync(phone, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        await phone.GotoAsync("/settings/notifications");
        await Assertions.Expect(phone.GetByTestId("webhook-health")).ToHaveCountAsync(3);
        await BrowserSession.ScreenshotAsync(phone, "webhook-health-phone");
        await phone.GotoAsync("/admin");
        await Assertions.Expect(phone.GetByTestId("webhook-health-row")).ToHaveCountAsync(3);
        await BrowserSession.ScreenshotAsync(phone, "webhook-health-dashboard-phone");
        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByTestId("webhook-health-row")).ToHaveCountAsync(3);
        await BrowserSession.ScreenshotAsync(page, "webhook-health-dashboard");
    }
}
