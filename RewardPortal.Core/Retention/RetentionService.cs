using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Retention;

/// <summary>Reads and changes the retention setting (Owner and Admins), audited.</summary>
public sealed class RetentionService(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<int> KeepDaysAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.RetentionSettings.Select(s => (int?)s.KeepDays).FirstOrDefaultAsync(cancellationToken) ?? RetentionSettings.DefaultKeepDays;
    }

    public static string? Check(int? keepDays) =>
        keepDays is >= RetentionSettings.MinKeepDays and <= RetentionSettings.MaxKeepDays
            ? null
            : $"Keep them for {RetentionSettings.MinKeepDays} to {RetentionSettings.MaxKeepDays} days.";

    public async Task SetKeepDaysAsync(int keepDays, string actor, CancellationToken cancellationToken = default)
    {
        if (Check(keepDays) is { } error)
            throw PortalException.Invalid(error, "keepDays");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settings = await db.RetentionSettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
            db.RetentionSettings.Add(settings = new RetentionSettings());
        var before = settings.KeepDays;
        settings.KeepDays = keepDays;
        settings.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        settings.UpdatedBy = actor;
        db.Audit(actor, "retention.updated", nameof(RetentionSettings), settings.Id, $"keep delivery attempts and event bodies {before} → {keepDays} days");
        await db.SaveChangesAsync(cancellationToken);
    }
}
