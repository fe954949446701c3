namespace RewardPortal.Core.Webhooks;

/// <summary>What the receiver answered to "Send test".</summary>
public sealed record WebhookTestResult(bool Succeeded, int? StatusCode, string? ResponseExcerpt, string? Error, int DurationMs);
