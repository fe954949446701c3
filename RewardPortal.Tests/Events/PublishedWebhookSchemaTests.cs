using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;
using RewardPortal.Core.Webhooks;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Events;

/// <summary>The OpenAPI document's webhooks, held against what the engine really sends, and the catalog's "Send example".</summary>
[Collection(HostedAppCollection.Name)]
public sealed class PublishedWebhookSchemaTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;
    private readonly PortalFactory factory = new(TestData.FastRetries());

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    private async Task<JsonNode> PublishedSchemaAsync(string type)
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        Assert.StartsWith("3.1", (string?)document["openapi"]);
        return document["webhooks"]![type]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryEventAsAWebhook()
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;

        Assert.Equal(EventTypes.All.Order(), document["webhooks"]!.AsObject().Select(w => w.Key).Order());
    }

    [Fact]
    public async Task RealDeliveriesFitTheSchemaTheOpenApiDocumentPublishes()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url(), EventTypes.RedemptionRequested, EventTypes.PointsAwarded);
        var participant = await factory.CreateParticipantAsync();
        var reward = await factory.CreateRewardAsync(RewardType.VoucherCode, webhook.Id);
        await factory.RedeemAsync(participant, reward, voucherCode: "COFFEE-0001");
        await factory.WithServiceAsync<LedgerEntry,
        ParticipantService>(s => s.AdjustBalanceAsync(participant.Id, Currency.Cash, 250, "Referral bonus", "test"));

        var requests = await receiver.WaitForAsync(2);

        foreach (var request in requests)
        {
            var body = JsonNode.Parse(request.Body)!;
            var schema = await PublishedSchemaAsync((string)body["type"]!);
            Assert.Empty(SchemaCheck.Errors(schema, request.Text));
            // The published schema has teeth: the same body without the participant's email does not fit it.
            body["data"]!["participant"]!.AsObject().Remove("email");
            Assert.NotEmpty(SchemaCheck.Errors(schema, body.ToJsonString()));
        }
        Assert.Equal([EventTypes.PointsAwarded, EventTypes.RedemptionRequested], requests.Select(r => (string)JsonNode.Parse(r.Body)!["type"]!).Order());
    }

    [Fact]
    public async Task SendExampleSignsTheExampleLikeADeliveryAndMarksItATest()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url());

        var result = await factory.WithServiceAsync<Core.Webhooks.WebhookTestResult, EventExampleSender>(
            s => s.SendAsync(EventTypes.RedemptionFulfilled, webhook.Id, "owner@test.local", isOwner: true));

        Assert.True(result.Succeeded);
        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(StandardWebhooks.Verify(webhook.Secret!, request), "signed with the webhook's token");
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(EventTypes.RedemptionFulfilled, (string?)body["type"]);
        Assert.True((bool)body["test"]!);
        Assert.Empty(SchemaCheck.Errors(await PublishedSchemaAsync(EventTypes.RedemptionFulfilled), request.Text));
        await using var db = await factory.CreateDbContextAsync();
        Assert.Empty(await db.Deliveries.ToListAsync());
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(), a => a == "webhook.example_sent");
    }

    [Fact]
    public async Task OnlyTheOwnerSendsExamples()
    {
        var webhook = await factory.CreateWebhookAsync(receiver.Url());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => factory.WithServiceAsync<Core.Webhooks.WebhookTestResult, EventExampleSender>(
            s => s.SendAsync(EventTypes.RedemptionFulfilled, webhook.Id, "admin@test.local", isOwner: false)));
        Assert.Empty(receiver.Requests);
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await receiver.DisposeAsync();
    }
}
