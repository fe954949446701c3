namespace RewardPortal.Core.Notifications;

/// <summary>
/// Triggers that raise the <see cref="Counter"/> change counter on every change to the tables a notification is
/// are read from (<see cref="NotificationMatcher"/>): its row, its webhook's rewards, its campaigns and the rewards'
/// campaigns. They belong to the writing transaction, so the counter moves when the change commits, on every node.
/// Run by the migration that adds them. On SQLite a migration that rebuilds one of these tables drops its triggers with
/// it (NotificationMatcherCacheTests then fails): such a migration must create them again.
/// </summary>
public static class NotificationMatcherTriggers
{
    public const string Counter = "notification-matcher";

    public static readonly IReadOnlyList<string> Tables = ["Notifications", "RewardWebhooks", "NotificationCampaigns", "RewardCampaigns"];

    private const string Raise = $"""UPDATE "ChangeCounters" SET "Value" = "Value" + 1 WHERE "Name" = '{Counter}';""";
    private static readonly string[] Changes = ["INSERT", "UPDATE", "DELETE"];

    /// <summary>SQLite: a trigger per table and kind of change (each statement on its own, as its body has a semicolon of its own).</summary>
    public static IEnumerable<string> CreateSqlite() =>
        from table in Tables
        from change in Changes
        select $"""CREATE TRIGGER "{SqliteName(table, change)}" AFTER {change} ON "{table}" BEGIN {Raise} END;""";

    public static IEnumerable<string> DropSqlite() =>
        from table in Tables from change in Changes select $"""DROP TRIGGER IF EXISTS "{SqliteName(table, change)}";""";

    /// <summary>PostgreSQL: one function, and a trigger per table, once per statement (TRUNCATE included).</summary>
    public static string CreatePostgres() => $"""
        CREATE OR REPLACE FUNCTION rewardportal_notification_matcher_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {Raise}
            RETURN NULL;
        END $$;
        {string.Join("\n", Tables.Select(table => $"""
            CREATE TRIGGER "{table}_notification_matcher" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}"
                FOR EACH STATEMENT EXECUTE FUNCTION rewardportal_notification_matcher_changed();
            """))}
        """;

    public static string DropPostgres() =>
        string.Join("\n", Tables.Select(table => $"""DROP TRIGGER IF EXISTS "{table}_notification_matcher" ON "{table}";"""))
            + "\nDROP FUNCTION IF EXISTS rewardportal_notification_matcher_changed();";

    private static string SqliteName(string table, string change) => $"{table}_{change.ToLowerInvariant()}_notification_matcher";
}
