using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Rewards;

namespace RewardPortal.Tests.Components.Pages.Rewards;

public sealed class VoucherPoolDialogTests : AdminComponentTest
{
    private VoucherPoolService Pool => new(Database, TimeProvider.System);

    [Fact]
    public async Task PastedCodesAreAddedAndTheRejectedOnesCounted()
    {
        var reward = await AddVoucherRewardAsync();
        await Pool.ImportAsync(reward, ["OLD-1"], ActorEmail);
        var dialog = await OpenAsync(reward);

        dialog.Find("[data-testid=pool-paste]").Change("NEW-1\nNEW-2\n\nNEW-1\nOLD-1\n" + new string('x', 201));
        dialog.Find("[data-testid=pool-add]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Added 2. Rejected 4: 2 duplicates, 1 blank, 1 longer than 200 characters.",
            dialog.Find("[data-testid=pool-result]").TextContent));
        dialog.WaitForAssertion(() => Assert.Contains("3 available", dialog.Find("[data-testid=pool-counts]").TextContent));
        dialog.WaitForAssertion(() => Assert.Equal(3, dialog.FindAll("[data-testid=pool-codes] tbody tr").Count));
    }

    [Fact]
    public async Task UsedCodesHaveNoRemoveButtonAndUnusedOnesCanBeRemoved()
    {
        var reward = await AddVoucherRewardAsync();
        await Pool.ImportAsync(reward, ["USED", "FREE"], ActorEmail);
        await using (var db = Database.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
            await db.VoucherCodes.Where(v => v.Code == "USED").ExecuteUpdateAsync(
                s => s.SetProperty(v => v.RedemptionId, 7).SetProperty(v => v.ClaimedAt, DateTime.UtcNow));
        }
        var dialog = await OpenAsync(reward);
        dialog.WaitForAssertion(() => Assert.Equal(2, dialog.FindAll("[data-testid=pool-codes] tbody tr").Count));

        Assert.Single(dialog.FindAll("[data-testid=pool-remove]"));
        dialog.Find("[data-testid=pool-remove]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("USED", Assert.Single(dialog.FindAll("[data-testid=pool-codes] tbody tr")).TextContent));
        dialog.WaitForAssertion(() => Assert.Contains("0 available", dialog.Find("[data-testid=pool-counts]").TextContent));
        Assert.Empty(dialog.FindAll("[data-testid=pool-remove]"));
    }

    [Fact]
    public async Task AnImportOnARewardThatIsNoLongerAVoucherRewardShowsWhy()
    {
        var reward = await AddVoucherRewardAsync();
        var dialog = await OpenAsync(reward);
        await using (var db = Database.CreateDbContext())
            await db.Rewards.ExecuteUpdateAsync(s => s.SetProperty(r => r.Type, RewardType.Custom));

        dialog.Find("[data-testid=pool-paste]").Change("A-1");
        dialog.Find("[data-testid=pool-add]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Only voucher code rewards have a pool", dialog.Find("[data-testid=pool-error]").TextContent));
    }

    private async Task<IRenderedComponent<VoucherPoolDialog>> OpenAsync(long rewardId)
    {
        var dialog = await OpenDialogAsync(new DialogParameters<VoucherPoolDialog> { { d => d.RewardId, rewardId } });
        dialog.WaitForElement("[data-testid=pool-add]");
        return dialog;
    }

    private async Task<long> AddVoucherRewardAsync()
    {
        var reward = await new RewardService(Database, TimeProvider.System).CreateAsync(
            new RewardInput { Name = "Coffee", Type = RewardType.VoucherCode, Cost = 200 }, ActorEmail);
        return reward.Id;
    }
}
