using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

/// <summary>The ids an operator searches shipped JSON logs by ride on the lines about a redemption and a delivery.</summary>
[Collection(HostedAppCollection.Name)]
public sealed class LogScopesTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task LinesAboutARedemptionAndAFailedDeliveryCarryTheirIdsAsScopes()
    {
        await using var factory = new JsonLogFactory(TestData.FastRetries().With(new()
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:RewardPortal.Core.Redemptions"] = "Debug",
        }));
        receiver.Respond = WebhookReceiver.FailTimes(100, status: 503);
        var webhook = await factory.CreateWebhookAsync(receiver.Url());
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.Custom, webhook.Id);
        var api = factory.ApiClient();
        (await api.PostJsonAsync($"/api/v1/participants/{participant.Id}/credits", new { points = 1000, reason = "Test credit" })).EnsureSuccessStatusCode();

        var redeemed = await api.PostJsonAsync("/api/v1/redemptions", new { participantId = participant.Id, rewardId = reward.Id });

        var redemptionId = (long)(await redeemed.JsonAsync())["redemption"]!["id"]!;
        (await api.PostJsonAsync($"/api/v1/redemptions/{redemptionId}/fulfill", new { message = "Shipped" })).EnsureSuccessStatusCode();
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Failed);
        var delivery = (await factory.DeliveriesAsync(webhook.Id)).Single();
        await Wait.UntilAsync(() => Task.FromResult(factory.Json.Lines.Any(l => l.Contains("failed for good"))));

        var aboutRedemption = Lines(factory).Where(l => l.Scope("RedemptionId") is not null).ToList();
        Assert.Equal(2, aboutRedemption.Count);
        Assert.All(aboutRedemption, l => Assert.Equal(redemptionId, l.Scope("RedemptionId")!.Value.GetInt64()));
        Assert.StartsWith($"Redemption {redemptionId} of reward {reward.Id}", aboutRedemption[0].Message);
        Assert.Equal($"Redemption {redemptionId} fulfilled.", aboutRedemption[1].Message);
        var aboutFailure = Lines(factory).Single(l => l.Message.Contains("failed for good"));
        Assert.Equal("Warning", aboutFailure.Level);
        Assert.Equal(delivery.Id, aboutFailure.Scope("DeliveryId")!.Value.GetInt64());
        Assert.Equal(delivery.MessageId, aboutFailure.Scope("WebhookId")!.Value.GetString());
        Assert.StartsWith("msg_", delivery.MessageId);
        Assert.DoesNotContain(Lines(factory), l => l.Raw.Contains(webhook.Secret!));
    }

    private static List<JsonLine> Lines(JsonLogFactory factory) => factory.Json.Lines.Select(l => new JsonLine(l)).ToList();

    private sealed record JsonLine(string Raw)
    {
        private readonly JsonElement root = JsonDocument.Parse(Raw).RootElement;

        public string Level => root.GetProperty("LogLevel").GetString()!;

        public string Message => root.GetProperty("Message").GetString()!;

        public JsonElement? Scope(string name) =>
            root.TryGetProperty("Scopes", out var scopes)
                ? scopes.EnumerateArray().Where(
                    s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _)).Select(s => (JsonElement?)s.GetProperty(name)).FirstOrDefault()
                : null;
    }

    private sealed class JsonLogFactory(Dictionary<string, string?> settings) : PortalFactory(settings)
    {
        public JsonLogCapture Json { get; private set; } = null!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(sp =>
                Json = new JsonLogCapture(sp.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json))));
        }
    }
}
