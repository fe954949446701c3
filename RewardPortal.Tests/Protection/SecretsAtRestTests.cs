using System.Net;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Protection;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Protection;

[Collection(HostedAppCollection.Name)]
public sealed class SecretsAtRestTests
{
    [Fact]
    public async Task TheDatabaseFileHoldsNoWebhookSecretAndNoKeyRingInPlaintext()
    {
        using var directory = new TempDirectory();
        string current, previous;
        await using (var app = new PortalFactory(directory: directory))
        {
            using var _ = await app.ClientForAsync(PortalFactory.OwnerEmail, PortalFactory.OwnerPassword);
            var created = await app.CreateWebhookAsync("http://127.0.0.1:9/hook", EventTypes.ParticipantCreated);
            previous = created.Secret!;
            current = await app.WithServiceAsync<string, NotificationService>(s => s.RotateSecretAsync(created.Id, "test", isOwner: true));
            Assert.Equal(current, await app.WithServiceAsync<string, NotificationService>(s => s.RevealSecretAsync(created.Id, "test", isOwner: true)));
        }
        SqliteConnection.ClearAllPools();

        var raw = RawDatabaseText(directory.File("portal.db"));
        foreach (var secret in new[] { current, previous })
        {
            Assert.DoesNotContain(secret, raw);
            Assert.DoesNotContain(secret["whsec_".Length..], raw);
        }
        Assert.Contains("encryptedSecret", raw);
        Assert.DoesNotContain("<masterKey", raw);
    }

    [Theory]
    [MemberData(nameof(TestProviders.All), MemberType = typeof(TestProviders))]
    public async Task CookiesStillVerifyAndWebhooksStillSignAfterARestartOnTheSameDataFolder(string provider)
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TestData.FastRetries().With(TestProviders.AppSettings(provider));
        string cookie, secret;
        await using (var first = new PortalFactory(settings, directory))
        {
            cookie = await SignedInCookieAsync(first);
            secret = (await first.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated)).Secret!;
        }
        SqliteConnection.ClearAllPools();

        await using var second = new PortalFactory(settings, directory);
        using var restored = second.CreateClient(new() { AllowAutoRedirect = false });
        restored.DefaultRequestHeaders.Add("Cookie", cookie);
        var page = await restored.GetAsync("/settings/notifications");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        await second.CreateParticipantAsync("After the restart");
        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(StandardWebhooks.Verify(secret, request));
    }

    [Fact]
    public async Task SecretsAndKeysStoredInPlaintextBeforeAreEncryptedAtStartAndKeepWorking()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = TestData.FastRetries();
        string cookie;
        var legacySecret = WebhookSecret.New();
        await using (var first = new PortalFactory(settings, directory))
        {
            cookie = await SignedInCookieAsync(first);
            await first.CreateWebhookAsync(receiver.Url(), EventTypes.ParticipantCreated);
            await DecryptKeyRingAsync(first);
        }
        SqliteConnection.ClearAllPools();
        Execute(directory.File("portal.db"), $"""UPDATE "Notifications" SET "Secret" = '{legacySecret}'""");
        Assert.Contains("<masterKey", RawDatabaseText(directory.File("portal.db")));

        await using var second = new PortalFactory(settings, directory);
        using var restored = second.CreateClient(new() { AllowAutoRedirect = false });
        restored.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await restored.GetAsync("/settings/notifications")).StatusCode);
        await second.CreateParticipantAsync("After the upgrade");
        Assert.True(StandardWebhooks.Verify(legacySecret, Assert.Single(await receiver.WaitForAsync(1))));
        await second.DisposeAsync();
        SqliteConnection.ClearAllPools();

        var raw = RawDatabaseText(directory.File("portal.db"));
        Assert.DoesNotContain(legacySecret, raw);
        Assert.DoesNotContain("<masterKey", raw);
    }

    [Fact]
    public async Task TheDatabaseItsFolderAndTheKeyFileAreReadableByTheAppsUserOnly()
    {
        if (OperatingSystem.IsWindows())
            return;
        using var directory = new TempDirectory();
        var database = Path.Combine(directory.Path, "data", "portal.db");
        await using (var app = new PortalFactory(
            new() { ["ConnectionStrings:RewardPortal"] = $"Data Source={database}", ["DataProtection:KeyFile"] = "" }, directory))
        {
            _ = app.Server;
            await app.CreateWebhookAsync("http://127.0.0.1:9/hook");
        }
        SqliteConnection.ClearAllPools();

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(Path.GetDirectoryName(database)!));
        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(database));
        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(Path.Combine(directory.Path, "data", ProtectionServiceCollectionExtensions.DefaultKeyFileName)));
        Assert.Equal(MasterKey.Length, new FileInfo(Path.Combine(directory.Path, "data", ProtectionServiceCollectionExtensions.DefaultKeyFileName)).Length);
    }

    /// <summary>The database and its WAL, as bytes someone with a copy of the files would read.</summary>
    private static string RawDatabaseText(string path)
    {
        var bytes = File.ReadAllBytes(path).AsEnumerable();
        if (File.Exists(path + "-wal"))
            bytes = bytes.Concat(File.ReadAllBytes(path + "-wal"));
        return Encoding.Latin1.GetString(bytes.ToArray());
    }

    /// <summary>Signs in through the form and answers the sign-in cookie, to send to another host later.</summary>
    private static async Task<string> SignedInCookieAsync(PortalFactory app)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/account/login");
        var antiforgery = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(
            await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["email"] = PortalFactory.OwnerEmail,
                ["password"] = PortalFactory.OwnerPassword,
                ["returnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        var signedIn = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("RewardPortal.Auth=")).Split(';')[0];
    }

    /// <summary>Writes the key ring back as an app from before its encryption stored it.</summary>
    private static async Task DecryptKeyRingAsync(PortalFactory app)
    {
        await using var db = await app.CreateDbContextAsync();
        var decryptor = new MasterKeyXmlDecryptor(app.Services);
        XNamespace ns = "http://schemas.asp.net/2015/03/dataProtection";
        foreach (var key in await db.Set<DataProtectionKey>().ToListAsync())
        {
            var root = XElement.Parse(key.Xml!);
            foreach (var encrypted in root.Descendants(ns + "encryptedSecret").ToList())
                encrypted.ReplaceWith(decryptor.Decrypt(encrypted.Elements().Single()));
            key.Xml = root.ToString();
        }
        await db.SaveChangesAsync();
    }

    private static void Execute(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
