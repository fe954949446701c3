namespace RewardPortal.Core.Notifications.Digests;

/// <summary>The frozen "data" of a digest's event: what its email lists, with times already in the program's time zone.</summary>
public sealed record DigestData(
    long NotificationId, string NotificationName, DateOnly Day, string From, string To, string TimeZone, IReadOnlyList<DigestLine> Lines);

/// <summary>One redemption event of the day.</summary>
public sealed record DigestLine(long? RedemptionId, string EventType, string Participant, string ParticipantEmail, string Reward, string Status, string At);
