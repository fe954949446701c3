using System.Text.Json.Nodes;
using RewardPortal.Core.Events;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Events;

public sealed class EventCatalogTests
{
    public static TheoryData<string> EventTypeNames() => new(EventTypes.All);

    [Fact]
    public void EveryEventTypeIsInTheCatalogOnce()
    {
        Assert.Equal(EventTypes.All, EventCatalog.All.Select(e => e.Type));
        Assert.Equal(EventCatalog.All.Count, EventCatalog.All.Select(e => e.Type).Distinct().Count());
        Assert.All(EventCatalog.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Cause)));
    }

    [Theory, MemberData(nameof(EventTypeNames))]
    public void EachExampleFitsItsOwnSchema(string type)
    {
        var definition = EventCatalog.Find(type)!;

        var example = definition.ExampleBody(DateTime.UtcNow).ToJsonString();

        Assert.Empty(SchemaCheck.Errors(definition.Schema(), example));
    }

    [Fact]
    public void TheSchemaRefusesABodyOfAnotherTypeOrWithoutItsData()
    {
        var requested = EventCatalog.Find(EventTypes.RedemptionRequested)!;
        var wrongType = requested.ExampleBody(DateTime.UtcNow);
        wrongType["type"] = EventTypes.PointsAwarded;
        var noEmail = requested.ExampleBody(DateTime.UtcNow);
        noEmail["data"]!["participant"]!.AsObject().Remove("email");
        var badStatus = requested.ExampleBody(DateTime.UtcNow);
        badStatus["data"]!["redemption"]!["status"] = "lost";

        Assert.NotEmpty(SchemaCheck.Errors(requested.Schema(), wrongType.ToJsonString()));
        Assert.NotEmpty(SchemaCheck.Errors(requested.Schema(), noEmail.ToJsonString()));
        Assert.NotEmpty(SchemaCheck.Errors(requested.Schema(), badStatus.ToJsonString()));
    }

    [Fact]
    public void DisplayNamesComeFromTheCatalog()
    {
        Assert.Equal("Advocacy Redemption", EventTypes.DisplayName(EventTypes.RedemptionRequested, forWebhook: true));
        Assert.Equal("Reward Redemption", EventTypes.DisplayName(EventTypes.RedemptionRequested, forWebhook: false));
        Assert.Equal("Points Awarded", EventTypes.DisplayName(EventTypes.PointsAwarded, forWebhook: true));
    }
}
