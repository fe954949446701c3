using System.Text;
using System.Text.Json;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Tests.Webhooks;

/// <summary>The signed bytes: every retry of a delivery must send exactly the same body, whichever way its data was read.</summary>
public sealed class WebhookBodyTests
{
    private static readonly DateTime OccurredAt = new(2026, 12, 2, 1, 2, 3, DateTimeKind.Utc);

    [Fact]
    public void TheBodyWrapsTheStoredDataWithTheTypeAndTheTimeOfTheEvent()
    {
        var body = Encoding.UTF8.GetString(WebhookBody.Compose("redemption.requested", OccurredAt, """{"name":"Zoë 😀"}"""));

        Assert.Equal("""{"type":"redemption.requested","timestamp":"2026-12-02T01:02:03.0000000Z","data":{"name":"Zoë 😀"}}""", body);
        using var parsed = JsonDocument.Parse(body);
        Assert.Equal("Zoë 😀", parsed.RootElement.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public void DataReadAsUtf8GivesTheSameBytesAsDataReadAsText()
    {
        const string data = """{"participant":{"name":"Ada","address":null},"reward":{"metadata":{"sku":"HOOD-001"}}}""";

        Assert.Equal(
            WebhookBody.Compose("redemption.fulfilled", OccurredAt, data),
            WebhookBody.Compose("redemption.fulfilled", OccurredAt, Encoding.UTF8.GetBytes(data)));
    }

    [Fact]
    public void AnEventsBodyIsComposedOnceAndItsDataReadBackFromInsideIt()
    {
        var data = Encoding.UTF8.GetBytes("""{"participant":{"name":"Zoë 😀"}}""");

        var body = EventBody.Compose("redemption.requested", OccurredAt, data);

        Assert.Equal(WebhookBody.Compose("redemption.requested", OccurredAt, data), body.Bytes);
        Assert.Equal(data, body.Data.ToArray());
    }
}
