using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;

namespace RewardPortal.Core.Rewards;

/// <summary>
/// Raises one alert when a reward's stock or voucher pool falls to a tenth or less, not one per redemption:
/// the reward remembers that it has alerted until an admin restocks it.
/// </summary>
public sealed class LowStockMonitor(TimeProvider clock)
{
    public const double Threshold = 0.10;

    /// <summary>Runs inside the redemption's transaction; the alert commits with it.</summary>
    public async Task CheckAsync(RewardPortalDbContext db, long rewardId, CancellationToken cancellationToken)
    {
        var reward = await db.Rewards.AsNoTracking().Where(r => r.Id == rewardId)
            .Select(r => new { r.Name, r.Type, r.Stock, r.StockCapacity, r.LowStockAlertedAt }).FirstAsync(cancellationToken);
        if (reward.LowStockAlertedAt is not null)
            return;

        string? detail = null;
        if (reward is { Stock: { } stock, StockCapacity: > 0 } && stock <= reward.StockCapacity * Threshold)
            detail = $"{stock} of {reward.StockCapacity} left in stock.";
        else if (reward.Type == RewardType.VoucherCode)
        {
            // One pass over the pool's index: this runs in the redemption's transaction, which others wait behind.
            var pool = await db.VoucherCodes.Where(v => v.RewardId == rewardId).GroupBy(v => v.RewardId)
                .Select(g => new { Total = g.Count(), Available = g.Count(v => v.RedemptionId == null) })
                .FirstOrDefaultAsync(cancellationToken);
            if (pool is { Total: > 0 } && pool.Available <= pool.Total * Threshold)
                detail = $"{pool.Available} of {pool.Total} voucher codes left.";
        }
        if (detail is null)
            return;

        var now = clock.GetUtcNow().UtcDateTime;
        // Conditional, so that of two redemptions crossing the line together only one raises the alert.
        if (await db.Rewards.Where(r => r.Id == rewardId && r.LowStockAlertedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LowStockAlertedAt, now), cancellationToken) == 0)
            return;
        db.Alerts.Add(new Alert
        {
            At = now,
            Severity = AlertSeverity.Warning,
            Title = $"{reward.Name} is running low",
            Body = detail + " Restock it in Portal > Redeem > Rewards.",
            Link = "/admin/rewards",
            Audience = Roles.Admin,
        });
    }
}
