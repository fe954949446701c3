using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Bench;

/// <summary>
/// A program's history written straight through SQL into the app's SQLite file (seconds, not the hours the app would
/// take): participants, one reward, five webhooks, redemptions spread over a year each with its event, five deliveries per
/// event (2 % failed, one attempt each) and an audit trail. The dashboard's rollups are recounted once at the end, as the
/// upgrade that brought them does, instead of by a trigger per row.
/// </summary>
internal static class ScaleData
{
    public static async Task<TimeSpan> SeedAsync(string databaseFile, int participants, int redemptions, int deliveriesPerRedemption, int days)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Default Timeout=60");
        await connection.OpenAsync();
        // A bulk load, not the app's traffic: a large page cache, and no wait for the disk until the end.
        await ExecuteAsync(connection, "PRAGMA cache_size = -400000; PRAGMA synchronous = OFF;");
        await ExecuteAsync(connection, DailyFiguresSql.Uninstall(postgres: false));
        // Indexes are built once over the loaded rows (a sort each) rather than kept up row by row.
        var indexes = await BulkIndexesAsync(connection);
        await ExecuteAsync(connection, string.Concat(indexes.Select(i => $"DROP INDEX \"{i.Name}\";")));
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            var now = DateTime.UtcNow;
            var reward = new Reward
            {
                Name = "Branded hoodie", Description = "A warm hoodie.", Type = RewardType.Custom, Cost = 500, CreatedAt = now, UpdatedAt = now,
            };
            var snapshot = JsonSerializer.Serialize(RewardSnapshot.Of(reward), new JsonSerializerOptions(JsonSerializerDefaults.Web));
            await ExecuteAsync(connection, $"""
                INSERT INTO "Rewards" ("Name", "Description", "Type", "CostCurrency", "Cost", "IsEnabled", "IsDeleted", "Metadata", "CreatedAt", "UpdatedAt")
                VALUES ('Branded hoodie', 'A warm hoodie.', 0, 0, 500, 1, 0, '{"{"}"sku":"HOOD-001"{"}"}', @now, @now);
                WITH RECURSIVE series(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM series WHERE value < {deliveriesPerRedemption})
                INSERT INTO "Notifications" ("Name", "Channel", "Frequency", "EventTypes", "RedemptionTypes", "WebhookUrl", "IsEnabled", "IsDeleted",
                    "NotifyParticipant", "CreatedAt", "UpdatedAt")
                SELECT 'Fulfilment system ' || value, 1, 0, '["redemption.requested"]', '[]', 'https://hooks.example.com/' || value, 1, 0, 0, @now, @now
                FROM series;
                """, transaction, ("@now", (object)now));
            // Participants joined over the year; each redemption is someone's, at a time spread evenly over the days.
            await ExecuteAsync(connection, $"""
                WITH RECURSIVE series(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM series WHERE value < {participants})
                INSERT INTO "Participants" ("Name", "Email", "CustomFields", "PointsBalance", "CashBalanceMinor", "IsSuspended", "CreatedAt",
                    "Address_City", "Address_Country")
                SELECT 'Participant ' || value, 'participant' || value || '@scale.example.com', '{"{"}"Team":"Sales"{"}"}', 100000, 0, 0,
                       strftime('%Y-%m-%d %H:%M:%f', @now, '-' || (value % {days}) || ' days'), 'London', 'GB'
                FROM series;
                WITH RECURSIVE series(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM series WHERE value < {redemptions})
                INSERT INTO "Redemptions" ("ParticipantId", "RewardId", "Reward", "RewardType", "CostCurrency", "Cost", "Status", "CreatedAt",
                    "DecidedAt", "DecidedBy")
                SELECT ((value * 7919) % {participants}) + 1, 1, @snapshot, 0, 0, 500, CASE WHEN value % 50 = 0 THEN 0 WHEN value % 20 = 1 THEN 2 ELSE 1 END,
                       strftime('%Y-%m-%d %H:%M:%f', @now, '-' || ((value * {days} * 86400.0) / {redemptions}) || ' seconds'),
                       CASE WHEN value % 50 = 0 THEN NULL
                            ELSE strftime('%Y-%m-%d %H:%M:%f', @now, '-' || ((value * {days} * 86400.0) / {redemptions} - 3600) || ' seconds') END,
                       CASE WHEN value % 50 = 0 THEN NULL ELSE 'team@example.com' END
                FROM series;
                INSERT INTO "Events" ("Type", "OccurredAt", "DataJson", "RedemptionId", "ParticipantId", "RewardId", "RewardType")
                SELECT 'redemption.requested', "CreatedAt", @data, "Id", "ParticipantId", 1, 0 FROM "Redemptions" ORDER BY "Id";
                INSERT INTO "Deliveries" ("EventId", "NotificationId", "MessageId", "Status", "AttemptCount", "NextAttemptAt", "CreatedAt",
                    "LastAttemptAt", "LastStatusCode", "LastError", "CompletedAt")
                SELECT e."Id", n."Id", 'msg_scale_' || e."Id" || '_' || n."Id", CASE WHEN (e."Id" * 5 + n."Id") % 50 = 0 THEN 2 ELSE 1 END, 1,
                       e."OccurredAt", e."OccurredAt",
                       e."OccurredAt", CASE WHEN (e."Id" * 5 + n."Id") % 50 = 0 THEN 500 ELSE 200 END,
                       CASE WHEN (e."Id" * 5 + n."Id") % 50 = 0 THEN 'The receiver answered 500.' END,
                       strftime('%Y-%m-%d %H:%M:%f', e."OccurredAt", '+' || (0.02 + ((e."Id" * 31 + n."Id" * 17) % 480) / 1000.0) || ' seconds')
                FROM "Events" e CROSS JOIN "Notifications" n;
                INSERT INTO "DeliveryAttempts" ("DeliveryId", "StartedAt", "DurationMs", "Succeeded", "StatusCode", "ResponseExcerpt", "Error")
                SELECT "Id", "LastAttemptAt", 12, "Status" = 1, "LastStatusCode", CASE WHEN "Status" = 1 THEN 'ok' ELSE 'Internal Server Error' END, "LastError"
                FROM "Deliveries";
                INSERT INTO "AuditEntries" ("At", "Actor", "Action", "EntityType", "EntityId", "Details")
                SELECT "DecidedAt", 'team@example.com', CASE "Status" WHEN 1 THEN 'redemption.fulfilled' ELSE 'redemption.refused' END, 'Redemption', "Id", NULL
                FROM "Redemptions" WHERE "DecidedAt" IS NOT NULL;
                """, transaction, ("@now", now), ("@snapshot", snapshot), ("@data", (object)Seed.RedemptionData(1)));
            await transaction.CommitAsync();
        }
        await ExecuteAsync(connection, string.Concat(indexes.Select(i => i.Sql + ";")));
        await ExecuteAsync(connection, DailyFiguresSql.Install(postgres: false) + DailyFiguresSql.Rebuild(postgres: false));
        await ExecuteAsync(connection, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
        return clock.Elapsed;
    }

    /// <summary>Participants with a large balance, for the API's load (nothing else).</summary>
    public static async Task SeedParticipantsAndRewardAsync(string databaseFile, int participants)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Default Timeout=60");
        await connection.OpenAsync();
        var now = DateTime.UtcNow;
        await ExecuteAsync(connection, $"""
            INSERT INTO "Rewards" ("Name", "Description", "Type", "CostCurrency", "Cost", "IsEnabled", "IsDeleted", "Metadata", "CreatedAt", "UpdatedAt")
            VALUES ('Branded hoodie', 'A warm hoodie.', 0, 0, 500, 1, 0, '{"{"}"sku":"HOOD-001"{"}"}', @now, @now);
            WITH RECURSIVE series(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM series WHERE value < {participants})
                INSERT INTO "Participants" ("Name", "Email", "CustomFields", "PointsBalance", "CashBalanceMinor", "IsSuspended", "CreatedAt",
                    "Address_City", "Address_Country")
            SELECT 'Participant ' || value, 'participant' || value || '@load.example.com', '{"{"}"Team":"Sales"{"}"}', 1000000000, 0, 0, @now, 'London', 'GB'
            FROM series;
            """, null, ("@now", (object)now));
    }

    private static async Task<List<(string Name, string Sql)>> BulkIndexesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "sql" IS NOT NULL
            AND "tbl_name" IN ('Participants', 'Redemptions', 'Events', 'Deliveries', 'DeliveryAttempts', 'AuditEntries')
            """;
        await using var reader = await command.ExecuteReaderAsync();
        var indexes = new List<(string, string)>();
        while (await reader.ReadAsync())
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        return indexes;
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 600;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
