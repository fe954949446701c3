using System.Net;
using System.Text.RegularExpressions;
using RewardPortal.Core.Deliveries;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

[Collection(HostedAppCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task AScrapeAfterARedemptionFindsItsCountersAndItsDeliverysHistogram()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = new PortalFactory(TestData.FastRetries().With(new() { ["Metrics:Prometheus"] = "true" }));
        var api = factory.ApiClient();
        var webhook = await factory.CreateWebhookAsync(receiver.Url());
        var participant = (long)(await (await api.PostJsonAsync(
            "/api/v1/participants", new { name = "Metered", email = "metered@example.com" })).JsonAsync())["id"]!;
        await api.PostJsonAsync($"/api/v1/participants/{participant}/credits", new { points = 150, reason = "Test credit" });
        var reward = (long)(await (await api.PostJsonAsync("/api/v1/rewards",
            new { name = "Metered hoodie", type = "custom", costCurrency = "points", cost = 100, webhookIds = new[] { webhook.Id } })).JsonAsync())["id"]!;

        Assert.Equal(
            HttpStatusCode.Created, (await api.PostJsonAsync("/api/v1/redemptions", new { participantId = participant, rewardId = reward })).StatusCode);
        Assert.Equal(
            HttpStatusCode.Conflict, (await api.PostJsonAsync("/api/v1/redemptions", new { participantId = participant, rewardId = reward })).StatusCode);
        await receiver.WaitForAsync(1);
        await Wait.UntilAsync(async () => (await factory.DeliveriesAsync(webhook.Id)).Single().Status == DeliveryStatus.Succeeded);

        var anonymous = factory.CreateClient();
        string scrape = "";
        await Wait.UntilAsync(async () =>
        {
            scrape = await anonymous.GetStringAsync("/metrics");
            return scrape.Contains("rewardportal_delivery_send_duration_seconds_bucket");
        }, what: "the delivery's histogram in the scrape");

        Assert.True(Value(scrape, "rewardportal_redemptions_total", "outcome=\"redeemed\"") >= 1, scrape);
        Assert.True(Value(scrape, "rewardportal_redemptions_total", "outcome=\"insufficient_balance\"") >= 1, scrape);
        Assert.True(Value(scrape, "rewardportal_delivery_attempts_total", "channel=\"webhook\"", "result=\"success\"") >= 1, scrape);
        Assert.True(Value(scrape, "rewardportal_deliveries_completed_total", "channel=\"webhook\"", "outcome=\"succeeded\"") >= 1, scrape);
        Assert.True(Value(scrape, "rewardportal_delivery_send_duration_seconds_count", "channel=\"webhook\"") >= 1, scrape);
        Assert.True(Value(scrape, "rewardportal_delivery_latency_seconds_count", "channel=\"webhook\"") >= 1, scrape);
        Assert.Equal(0, Value(scrape, "rewardportal_deliveries_due"));
        foreach (var step in new[] { "plan.wait", "plan", "write.queue", "write", "commit" })
            Assert.True(Value(scrape, "rewardportal_redemption_step_duration_seconds_count", $"step=\"{step}\"") >= 1, step);
        Assert.True(Value(scrape, "rewardportal_api_key_check_duration_seconds_count", "result=\"known\"") >= 3, scrape);
        Assert.Contains("http_server_request_duration_seconds", scrape);
        Assert.Contains("dotnet_gc_collections_total", scrape);
    }

    [Fact]
    public async Task MetricsAreNotServedUnlessTurnedOn()
    {
        await using var factory = new PortalFactory();
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    /// <summary>The sum of a metric's samples whose labels include all of <paramref name="labels"/>.</summary>
    private static double Value(string scrape, string metric, params string[] labels) =>
        Regex.Matches(scrape, $@"^{metric}(?:\{{(?<labels>[^}}]*)\}})? (?<value>\S+)", RegexOptions.Multiline)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains(l)))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
}
