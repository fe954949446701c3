using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Operations;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

/// <summary>Health and backups on PostgreSQL: readiness asks the server; backups are pg_dump's, not the app's.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class PostgresOperationsTests
{
    [PostgresFact]
    public async Task ANodeOnPostgresIsReadyAndLeavesBackupsToPgDump()
    {
        var connectionString = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString;
        await using var factory = new PortalFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = connectionString,
        });

        var detail = await (await factory.ApiClient().GetAsync("/healthz/ready")).JsonAsync();

        Assert.Equal("Healthy", (string?)detail["checks"]!["database"]!["status"]);
        Assert.Equal("Healthy", (string?)detail["checks"]!["delivery-engine"]!["status"]);
        var backup = factory.Services.GetRequiredService<DatabaseBackup>();
        Assert.False(backup.IsSupported);
        var refusal = await Assert.ThrowsAsync<NotSupportedException>(() => backup.BackUpAsync());
        Assert.Contains("pg_dump", refusal.Message);
    }
}
