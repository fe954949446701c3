using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Operations;

/// <summary>
/// Ready only while the database answers and holds every migration this build knows. On SQLite the probe opens a
/// connection of its own, outside the pool and without creating a missing file: pooled connections keep open a file
/// that may since have been replaced, removed or damaged, and the probe should see the file as a new start would.
/// </summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<RewardPortalDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (db.Database.IsSqlite())
                db.Database.SetConnectionString(new SqliteConnectionStringBuilder(db.Database.GetConnectionString())
                    { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
                return HealthCheckResult.Unhealthy($"{pending.Count} migrations are not applied: {string.Join(", ", pending)}.");
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            var known = db.Database.GetMigrations().ToHashSet();
            var unknown = applied.Where(m => !known.Contains(m)).ToList();
            // A newer build migrated the database: this one may misread it.
            if (unknown.Count > 0)
                return HealthCheckResult.Unhealthy($"The database has migrations this build does not know: {string.Join(", ", unknown)}.");
            return HealthCheckResult.Healthy($"{applied.Count} migrations applied.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer: {e.Message}");
        }
    }
}
