using Microsoft.Playwright;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.EndToEnd;

[Collection(HostedAppCollection.Name)]
public sealed class NodesScreenTests
{
    [BrowserFact]
    public async Task TheOwnerSeesTheLiveNodesAndTheirRolesOnADeskAndAPhone()
    {
        using var keyFolder = new TempDirectory();
        var shared = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString,
            ["DataProtection:KeyFile"] = keyFolder.File("master.key"),
            ["Node:HeartbeatInterval"] = "00:00:00.500",
        };
        await using var web = new PortalFactory(new(shared) { ["Node:Role"] = "Web" });
        await using var worker = new PortalFactory(new(shared) { ["Node:Role"] = "Worker" });
        var address = web.StartOnRealPort();
        _ = worker.Server;
        await using var browser = await BrowserSession.StartAsync(address);
        foreach (var phone in new[] { false, true })
        {
            var page = await browser.NewPageAsync(phone);
            await BrowserSession.SignInAsync(page, PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
            await Ui.GotoAsync(page, "/settings/nodes");
            var rows = page.Locator("[data-testid=nodes] tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.Filter(new() { HasText = "this node" })).ToContainTextAsync("Web (UI and API)");
            await Assertions.Expect(rows.Filter(new() { HasText = "Worker (jobs and deliveries)" })).ToHaveCountAsync(1);
            await BrowserSession.ScreenshotAsync(page, phone ? "phone-nodes" : "nodes");
        }
    }
}
