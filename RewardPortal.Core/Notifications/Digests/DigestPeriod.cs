namespace RewardPortal.Core.Notifications.Digests;

/// <summary>
/// What a daily digest covers: the digest sent on a day at its hour (in the program's time zone) lists the 24 hours up to
/// that hour, so that every event falls in exactly one digest whatever the hour, and an hour of 0 lists the day before.
/// </summary>
public sealed record DigestPeriod(DateOnly Day, DateTime StartUtc, DateTime EndUtc)
{
    /// <summary>How far back a digest missed while the app was down is still sent.</summary>
    public const int MissedDaysSent = 7;

    public static DigestPeriod For(DateOnly day, int hour, TimeZoneInfo zone) =>
        new(day, ToUtc(day.AddDays(-1), hour, zone), ToUtc(day, hour, zone));

    /// <summary>
    /// The periods that have ended by <paramref name="nowUtc"/>, oldest first: today's or yesterday's, and the ones before
    /// it that ended after <paramref name="sinceUtc"/> (when the rule was made), within <see cref="MissedDaysSent"/> days.
    /// </summary>
    public static IReadOnlyList<DigestPeriod> Due(DateTime nowUtc, int hour, TimeZoneInfo zone, DateTime sinceUtc)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(nowUtc, zone));
        var due = new List<DigestPeriod>();
        for (var day = today; day > today.AddDays(-MissedDaysSent); day = day.AddDays(-1))
        {
            var period = For(day, hour, zone);
            if (period.EndUtc > nowUtc)
                continue;
            if (period.EndUtc <= sinceUtc)
                break;
            due.Add(period);
        }
        due.Reverse();
        return due;
    }

    private static DateTime ToUtc(DateOnly day, int hour, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0));
        // A clock change can skip the hour: the digest then goes at the first hour that exists.
        while (zone.IsInvalidTime(local))
            local = local.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
