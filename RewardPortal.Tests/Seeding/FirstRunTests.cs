using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Seeding;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Seeding;

[Collection(HostedAppCollection.Name)]
public sealed class FirstRunTests
{
    [Fact]
    public async Task ConfiguredCredentialsCreateTheOwnerAndRegisterTheApiKey()
    {
        using var factory = new PortalFactory();
        _ = factory.Server;

        await using var db = await factory.CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var client = await factory.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
        Assert.NotNull(client);
        var hash = ApiKeyHasher.Hash(PortalFactory.OwnerApiKey);
        Assert.Single(await db.ApiKeys.Where(k => k.Hash == hash).ToListAsync());
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(PortalFactory.OwnerPassword));
    }

    [Fact]
    public async Task WithoutCredentialsTheOwnerIsOwnerAtLocalhostWithARandomPasswordLoggedOnce()
    {
        using var factory = new PortalFactory(new() { ["Bootstrap:OwnerEmail"] = "", ["Bootstrap:OwnerPassword"] = "", ["Bootstrap:ApiKey"] = "" });
        _ = factory.Server;

        var line = Assert.Single(factory.Logs.Lines, l => l.Contains("created the Owner"));
        var password = Regex.Match(line, "with password (\\S+)\\.").Groups[1].Value;
        Assert.True(password.Length >= 16);
        var client = await factory.ClientForAsync(DatabaseInitializer.DefaultOwnerEmail, password);
        Assert.NotNull(client);
        await using var db = await factory.CreateDbContextAsync();
        Assert.Empty(await db.ApiKeys.ToListAsync());
    }

    [Fact]
    public async Task ASecondStartKeepsTheFirstOwnerAndLogsNoPassword()
    {
        using var directory = new TempDirectory();
        var blank = new Dictionary<string, string?> { ["Bootstrap:OwnerEmail"] = "", ["Bootstrap:OwnerPassword"] = "" };
        using (var first = new PortalFactory(blank, directory))
            _ = first.Server;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var second = new PortalFactory(blank, directory);
        _ = second.Server;
        Assert.DoesNotContain(second.Logs.Lines, l => l.Contains("created the Owner"));
        await using var scope = second.Services.CreateAsyncScope();
        var owners = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().GetUsersInRoleAsync(Roles.Owner);
        Assert.Single(owners);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task DemoSeedingTwiceAddsNothingTheSecondTime()
    {
        using var factory = new PortalFactory(new() { ["Seed:Demo"] = "true" });
        _ = factory.Server;
        await using var db = await factory.CreateDbContextAsync();
        var before = (await db.Participants.CountAsync(), await db.Rewards.CountAsync(), await db.VoucherCodes.CountAsync(),
            await db.Notifications.CountAsync(), await db.Users.CountAsync(), await db.LedgerEntries.CountAsync());
        Assert.True(before.Item1 >= 3 && before.Item2 >= 4 && before.Item3 > 0 && before.Item4 >= 2);

        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();

        var after = (await db.Participants.CountAsync(), await db.Rewards.CountAsync(), await db.VoucherCodes.CountAsync(),
            await db.Notifications.CountAsync(), await db.Users.CountAsync(), await db.LedgerEntries.CountAsync());
        Assert.Equal(before, after);
        var participant = await factory.ClientForAsync("ada@example.com", DemoSeeder.DemoPassword);
        Assert.Contains("Home", await participant.GetStringAsync("/portal"));
    }

    [Fact]
    public async Task TheDatabaseRunsInWalModeOnTheFileTheAppCreates()
    {
        using var factory = new PortalFactory();
        _ = factory.Server;

        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal("wal", await JournalModeAsync(db));
    }

    [Fact]
    public async Task ADatabaseLeftInRollbackJournalModeIsPutInWalModeAtStart()
    {
        using var directory = new TempDirectory();
        var file = directory.File("portal.db");
        var options = new DbContextOptionsBuilder<SqliteRewardPortalDbContext>().UseSqlite($"Data Source={file}").Options;
        await using (var old = new SqliteRewardPortalDbContext(options))
        {
            await old.Database.MigrateAsync();
            await old.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = DELETE;");
            Assert.Equal("delete", await JournalModeAsync(old));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        using var factory = new PortalFactory(directory: directory);
        _ = factory.Server;

        await using var db = await factory.CreateDbContextAsync();
        Assert.Equal("wal", await JournalModeAsync(db));
    }

    private static async Task<string> JournalModeAsync(RewardPortalDbContext db) =>
        await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode()").SingleAsync();
}
