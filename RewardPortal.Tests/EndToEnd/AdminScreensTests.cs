using Microsoft.Playwright;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>The admin screens in a real browser on the demo data: the MudBlazor pieces bUnit cannot run (popovers, uploads, paging).</summary>
[Collection(HostedAppCollection.Name)]
public sealed class AdminScreensTests
{
    [BrowserFact]
    public async Task AnAdminAssignsAWebhookFillsAVoucherPoolAndFindsAParticipant()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);

        await Ui.GotoAsync(page, "/admin/rewards");
        await Assertions.Expect(page.GetByTestId("reward-name")).ToHaveCountAsync(6);
        var coffee = page.Locator("tr", new() { HasText = "Coffee voucher" });
        await coffee.GetByTestId("edit-reward").ClickAsync();
        await page.GetByTestId("reward-webhooks").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Demo: fulfilment system" }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await BrowserSession.ScreenshotAsync(page, "admin-reward-dialog");
        await page.GetByTestId("reward-save").ClickAsync();
        await Assertions.Expect(coffee).ToContainTextAsync("Demo: fulfilment system");

        await coffee.GetByTestId("voucher-counts").ClickAsync();
        await page.GetByTestId("pool-paste").FillAsync("NEW-1\nNEW-2\nNEW-1\nCOFFEE-0001-DEMO\n");
        await page.GetByTestId("pool-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pool-result")).ToContainTextAsync("Added 2. Rejected 2: 2 duplicates, 0 blank");
        await Assertions.Expect(page.GetByTestId("pool-counts")).ToContainTextAsync("22 available");
        await BrowserSession.ScreenshotAsync(page, "admin-voucher-pool");
        await page.GetByTestId("pool-close").ClickAsync();
        await Assertions.Expect(coffee).ToContainTextAsync("22 available · 0 used");
        await BrowserSession.ScreenshotAsync(page, "admin-rewards");

        await Ui.GotoAsync(page, "/admin/participants");
        await Assertions.Expect(page.GetByTestId("participant-total")).ToHaveTextAsync("3 participants");
        await page.GetByTestId("participant-search").FillAsync("gra");
        await Assertions.Expect(page.GetByTestId("participant-total")).ToHaveTextAsync("1 participant");
        await page.Locator("[data-testid=participants] tbody tr").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("participant-heading")).ToHaveTextAsync("Grace Hopper");
        await Assertions.Expect(page.Locator("[data-testid=ledger] tbody tr").First).ToContainTextAsync("Welcome bonus");
        await BrowserSession.ScreenshotAsync(page, "admin-participant-detail");

        await Ui.GotoAsync(page, "/admin/audit");
        await Assertions.Expect(page.Locator("[data-testid=audit] tbody tr").First).ToContainTextAsync("voucher_codes.imported");
        await Ui.GotoAsync(page, "/settings/users");
        await Assertions.Expect(page.GetByTestId("user-name")).ToHaveCountAsync(3);
        await BrowserSession.ScreenshotAsync(page, "admin-users");
    }

    [BrowserFact]
    public async Task OnAPhoneTheNotificationsPageFitsAndEveryButtonIsWhole()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        var page = await browser.NewPageAsync(phone: true);
        await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);

        await Ui.GotoAsync(page, "/settings/notifications");
        await Assertions.Expect(page.GetByTestId("notification-row-name").First).ToBeVisibleAsync();

        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page scrolls sideways on a phone: {width}px wide.");
        var add = await page.GetByTestId("add-notification").BoundingBoxAsync();
        Assert.NotNull(add);
        Assert.True(add.X >= 0 && add.X + add.Width <= 390, $"Add notification is cut off: it spans {add.X} to {add.X + add.Width}px of 390.");
        await BrowserSession.ScreenshotAsync(page, "phone-notifications");
        await page.GetByTestId("add-notification").ClickAsync();
        await page.GetByTestId("save").WaitForAsync();
        await BrowserSession.ScreenshotAsync(page, "phone-notification-dialog");
    }

    [BrowserFact]
    public async Task ACsvImportIsPreviewedThenConfirmedAndTheAuditSaysWhatChanged()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        var address = factory.StartOnRealPort();
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, "admin@example.com", DemoSeeder.DemoPassword);
            await Ui.GotoAsync(page, "/admin/participants");
            await page.GetByTestId("import-participants").ClickAsync();
            await Assertions.Expect(page.GetByTestId("import-upload")).ToBeEnabledAsync();
            var csv = phone
                ? "name,email\nAda Lovelace,ada@example.com\n"
                : "name,email,city,T-shirt size\nAda Lovelace,ada@example.com,Paris,L\nKatherine Johnson,katherine@example.com,Hampton,S\n"
                    + "Nobody,not-an-email,,\n";
            await page.Locator("input[type=file]").SetInputFilesAsync(
                new FilePayload { Name = "people.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });

            if (phone)
            {
                await Assertions.Expect(page.GetByTestId("import-preview")).ToContainTextAsync("1 unchanged");
                await BrowserSession.ScreenshotAsync(page, "import-preview-phone");
                continue;
            }
            await Assertions.Expect(page.GetByTestId("import-preview")).ToContainTextAsync("1 new, 1 would update an existing participant");
            await Assertions.Expect(page.GetByTestId("import-preview-updated")).ToContainTextAsync("city: London → Paris");
            await Assertions.Expect(page.GetByTestId("import-preview-refused")).ToContainTextAsync("not-an-email");
            await page.GetByTestId("import-update-existing").ClickAsync();
            await BrowserSession.ScreenshotAsync(page, "import-preview");
            await page.GetByTestId("import-confirm").ClickAsync();
            await Assertions.Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1 created, 1 updated, 1 not imported");
            await page.GetByTestId("import-close").ClickAsync();
            await Assertions.Expect(page.GetByTestId("participant-total")).ToHaveTextAsync("4 participants");

            await Ui.GotoAsync(page, "/admin/audit");
            await Assertions.Expect(page.Locator("[data-testid=audit] tbody tr", new() { HasText = "participants.imported" }).First)
                .ToContainTextAsync("ada@example.com: city: London → Paris, T-shirt size: M → L");
        }
    }
}
