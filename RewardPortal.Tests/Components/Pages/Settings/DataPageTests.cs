using Bunit;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Retention;
using RewardPortal.Tests.Infrastructure;
using DataPage = RewardPortal.Web.Components.Pages.Settings.Data;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class DataPageTests : AdminComponentTest
{
    [Fact]
    public async Task TheRetentionFieldSaysItsBoundsAndSavesAValidValue()
    {
        var page = Render<DataPage>();
        var input = page.WaitForElement("[data-testid=keep-days]");
        Assert.Equal("90", input.GetAttribute("value"));

        input.Change("5000");
        page.Find("[data-testid=save-retention]").Click();
        page.WaitForAssertion(() => Assert.Contains("Keep them for 7 to 3650 days.", page.Markup));
        Assert.Equal(90, await Services.GetRequiredService<RetentionService>().KeepDaysAsync());

        page.Find("[data-testid=keep-days]").Change("30");
        page.Find("[data-testid=save-retention]").Click();

        await Wait.UntilAsync(async () => await Services.GetRequiredService<RetentionService>().KeepDaysAsync() == 30);
        Assert.DoesNotContain("Keep them for", page.Markup);
    }

    [Fact]
    public void PurgeNowShowsItsProgressUntilDone()
    {
        var page = Render<DataPage>();
        page.WaitForElement("[data-testid=purge-now]").Click();

        page.WaitForAssertion(() => Assert.Contains("Done: 0 of 0 events", page.Find("[data-testid=purge-status]").TextContent), TimeSpan.FromSeconds(10));
        Assert.NotNull(page.Find("[data-testid=purge-progress]"));
    }
}
