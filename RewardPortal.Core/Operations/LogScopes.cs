using Microsoft.Extensions.Logging;

namespace RewardPortal.Core.Operations;

/// <summary>
/// The ids an operator searches shipped logs by, as log scopes (JSON console logs write them beside each line):
/// <c>RedemptionId</c>, <c>DeliveryId</c> and <c>WebhookId</c> (the delivery's <c>webhook-id</c> header, <c>msg_...</c>).
/// Opened only around code that logs: a scope costs an allocation, and the engine sends thousands a second.
/// </summary>
public static class LogScopes
{
    public static IDisposable? Redemption(ILogger logger, long redemptionId) =>
        logger.BeginScope(new KeyValuePair<string, object?>[] { new("RedemptionId", redemptionId) });

    public static IDisposable? Delivery(ILogger logger, long deliveryId, string messageId) =>
        logger.BeginScope(new KeyValuePair<string, object?>[] { new("DeliveryId", deliveryId), new("WebhookId", messageId) });
}
