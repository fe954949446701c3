using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

[Collection(HostedAppCollection.Name)]
public sealed partial class BackupTests
{
    [Fact]
    public async Task ABackupTakenDuringABurstRestoresEveryRedemptionAcknowledgedBeforeItBegan()
    {
        using var original = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        // Web only: no engine sends, so every delivery is still pending in the backup.
        var live = new PortalFactory(new Dictionary<string, string?> { ["Node:Role"] = "Web" }, original);
        var webhook = await live.CreateWebhookAsync(receiver.Url());
        var reward = await live.CreateRewardAsync(RewardType.Custom, webhook.Id);
        long participantId;
        await using (var db = await live.CreateDbContextAsync())
        {
            var participant = new Participant { Name = "Burst Person", Email = "burst@example.com", PointsBalance = 10_000_000, CreatedAt = DateTime.UtcNow };
            db.Participants.Add(participant);
            await db.SaveChangesAsync();
            participantId = participant.Id;
        }
        var ownerCookie = await OwnerCookieAsync(live);

        var acknowledged = new ConcurrentQueue<long>();
        using var stop = new CancellationTokenSource();
        var redemptions = live.Services.GetRequiredService<RedemptionService>();
        var burst = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                acknowledged.Enqueue((await redemptions.RedeemAsync(new RedeemRequest(participantId, reward.Id), "burst")).Redemption.Id);
        })).ToList();
        await Wait.UntilAsync(() => Task.FromResult(acknowledged.Count >= 100));

        var beforeBackup = acknowledged.ToArray();
        var backup = await live.Services.GetRequiredService<DatabaseBackup>().BackUpAsync();
        await Wait.UntilAsync(() => Task.FromResult(acknowledged.Count >= beforeBackup.Length + 100));
        stop.Cancel();
        await Task.WhenAll(burst);
        await live.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        using var restoredDirectory = new TempDirectory();
        File.Copy(backup.Path, restoredDirectory.File("portal.db"));
        // The key file is backed up apart from the database, and restored with it (README, Security).
        File.Copy(original.File("master.key"), restoredDirectory.File("master.key"));
        await using var restored = new PortalFactory(TestData.FastRetries(), restoredDirectory);
        _ = restored.Server;

        await using (var db = await restored.CreateDbContextAsync())
        {
            var present = (await db.Redemptions.Select(r => r.Id).ToListAsync()).ToHashSet();
            Assert.All(beforeBackup, id => Assert.Contains(id, present));
            Assert.True(present.Count < acknowledged.Count, "the backup holds what was committed when it began, not what came after");
            Assert.Equal(10_000_000 - 500L * present.Count, (await db.Participants.SingleAsync(p => p.Id == participantId)).PointsBalance);
        }
        // Every pending delivery of the backup goes out from the restored database, signed with the webhook's secret.
        var deliveries = await restored.DeliveriesAsync(webhook.Id);
        Assert.True(deliveries.Count >= beforeBackup.Length);
        var arrived = await receiver.WaitForAsync(deliveries.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(deliveries.Select(d => d.MessageId).Order(), arrived.Select(r => r.Id).Distinct().Order());
        Assert.All(arrived, r => Assert.True(StandardWebhooks.Verify(webhook.Secret!, r)));
        // A session signed in before the backup is still valid: the cookie keys live in the database.
        var client = restored.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/ready") { Headers = { { "Cookie", ownerCookie } } };
        Assert.Equal("Healthy", (string?)(await (await client.SendAsync(request)).JsonAsync())["checks"]!["database"]!["status"]);
    }

    [Fact]
    public async Task ScheduledBackupsKeepOnlyTheNewestOnes()
    {
        await using var factory = new PortalFactory(new Dictionary<string, string?> { ["Backup:Keep"] = "2", ["Node:Role"] = "Web" });
        var backup = factory.Services.GetRequiredService<DatabaseBackup>();

        var first = await backup.BackUpAsync();
        await Task.Delay(10);
        var second = await backup.BackUpAsync();
        await Task.Delay(10);
        var third = await backup.BackUpAsync();

        var kept = factory.Services.GetRequiredService<BackupFolder>().List();
        Assert.Equal([third.Name, second.Name], kept.Select(f => f.Name));
        Assert.False(File.Exists(first.Path));
        Assert.StartsWith(factory.Directory.Path, Path.GetDirectoryName(third.Path));
        await Assert.ThrowsAsync<IOException>(() => backup.BackUpToAsync(third.Path));
    }

    [Fact]
    public async Task TheBackupCommandCopiesTheDatabaseAndExits()
    {
        using var directory = new TempDirectory();
        await using (var factory = new PortalFactory(new Dictionary<string, string?> { ["Node:Role"] = "Web" }, directory))
            await factory.CreateParticipantAsync("Backed up by the command");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var target = directory.File("copy.db");
        var (exitCode, output) = await RunAppAsync(directory, "--backup", target);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Backed up the database to", output);
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Pooling=False");
        await copy.OpenAsync();
        await using var names = copy.CreateCommand();
        names.CommandText = """SELECT "Name" FROM "Participants" """;
        Assert.Equal("Backed up by the command", (string?)await names.ExecuteScalarAsync());

        var (again, refusal) = await RunAppAsync(directory, "--backup", target);
        Assert.Equal(1, again);
        Assert.Contains("never overwrites", refusal);
    }

    private static async Task<(int ExitCode, string Output)> RunAppAsync(TempDirectory directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["ConnectionStrings__RewardPortal"] = $"Data Source={directory.File("portal.db")}";
        start.Environment["Email__PickupDirectory"] = directory.File("pickup");
        start.Environment["Backup__Directory"] = directory.File("backups");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Signs in through the login form and answers the auth cookie, to send to another host.</summary>
    private static async Task<string> OwnerCookieAsync(PortalFactory factory)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/account/login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = TokenPattern().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var login = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["email"] = PortalFactory.OwnerEmail, ["password"] = PortalFactory.OwnerPassword, ["returnUrl"] = "/",
            }),
            Headers = { { "Cookie", antiforgery } },
        };
        var response = await client.SendAsync(login);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("RewardPortal.Auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
