using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Data;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Data;

public sealed class PostgresSchemaTests
{
    private readonly PostgresServer server = PostgresServer.Shared;

    [PostgresFact]
    public async Task MigrationsBuildTheSchemaOnPostgresAndMatchTheModel()
    {
        var options = new DbContextOptionsBuilder<PostgresRewardPortalDbContext>().UseNpgsql(server.CreateDatabase()).Options;
        await using var db = new PostgresRewardPortalDbContext(options);

        await db.Database.MigrateAsync();

        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no Postgres migration carries: add one.");
        var (participant, reward) = await TestData.ParticipantAndRewardAsync(db);
        db.Redemptions.Add(TestData.Redemption(participant, reward));
        await db.SaveChangesAsync();
        participant.PointsBalance = -1;
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [PostgresFact]
    public async Task TheDashboardAggregatesOnPostgresToo()
    {
        var options = new DbContextOptionsBuilder<PostgresRewardPortalDbContext>().UseNpgsql(server.CreateDatabase()).Options;
        await using (var db = new PostgresRewardPortalDbContext(options))
            await db.Database.MigrateAsync();

        var snapshot = await new DashboardQueries(new Factory(options), TimeProvider.System).LoadAsync(30);

        Assert.Equal(30, snapshot.Redemptions.Count);
    }

    private sealed class Factory(DbContextOptions<PostgresRewardPortalDbContext> options) : IDbContextFactory<RewardPortalDbContext>
    {
        public RewardPortalDbContext CreateDbContext() => new PostgresRewardPortalDbContext(options);
    }
}
