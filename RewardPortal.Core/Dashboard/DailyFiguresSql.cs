namespace RewardPortal.Core.Dashboard;

/// <summary>
/// Keeps <see cref="DailyFigures"/> and <see cref="DailyLatency"/> with triggers, so that every path that makes a
/// redemption or finishes a delivery (a webhook turned off, a re-send, a deleted notification) counts in its own
/// transaction without knowing about the dashboard. A delivery that leaves a finished state (re-sent by hand) is
/// taken off the day it had been counted on. Deleting rows is not counted: a purge of old deliveries keeps their history.
/// <para>On PostgreSQL the triggers run once per statement over its transition tables, so the engine's batch update
/// costs one upsert per day row rather than one per delivery; and each transaction counts into one of <see cref="Shards"/>
/// rows of the day that no other running transaction holds, so that concurrent redemptions do not queue on one row
/// until each commits.</para>
/// <para>SQLite has only row triggers. The engine's outcome batch, thousands of deliveries a second, sets them aside for its
/// own updates (a row in "DailyFiguresDeferred", which exists only inside its transaction) and counts the batch with one
/// statement per table, grouped by day and bucket (<see cref="SqliteFoldFigures"/>, <see cref="SqliteFoldLatency"/>).</para>
/// SQLite's julianday keeps whole milliseconds but answers in days: at today's dates the difference of two is off by up
/// to a few hundredths of a millisecond, so it is rounded to the whole millisecond, and a bound falls in its own bucket.
/// </summary>
public static class DailyFiguresSql
{
    /// <summary>Rows per day on PostgreSQL: as many transactions as this count into a day at once without waiting.</summary>
    public const int Shards = 16;

    private const string FiguresColumns = """ "Day", "Shard", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed" """;
    private const string SqliteLatencyMs = """round((julianday(d."CompletedAt") - julianday(e."OccurredAt")) * 86400000.0)""";
    private const int Points = 0;
    private const int Succeeded = 1;
    private const int Failed = 2;

    public static string Install(bool postgres) => postgres ? PostgresInstall : SqliteInstall;

    public static string Uninstall(bool postgres) => postgres
        ? """
          DROP TRIGGER IF EXISTS daily_figures_redemptions ON "Redemptions";
          DROP TRIGGER IF EXISTS daily_figures_deliveries_inserted ON "Deliveries";
          DROP TRIGGER IF EXISTS daily_figures_deliveries_updated ON "Deliveries";
          """
        : """
          DROP TRIGGER IF EXISTS "DailyFigures_RedemptionInserted";
          DROP TRIGGER IF EXISTS "DailyFigures_DeliveryInserted";
          DROP TRIGGER IF EXISTS "DailyFigures_DeliveryUpdated";
          DROP TABLE IF EXISTS "DailyFiguresDeferred";
          """;

    /// <summary>Adds each day's rows up into one (shard 0): for going back to the schema of one row a day.</summary>
    public const string MergeShards = """
        INSERT INTO "DailyFigures" ("Day", "Shard", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed")
        SELECT "Day", -1, SUM("Redemptions"), SUM("PointsRedeemed"), SUM("DeliveriesSucceeded"), SUM("DeliveriesFailed") FROM "DailyFigures" GROUP BY "Day";
        DELETE FROM "DailyFigures" WHERE "Shard" <> -1;
        UPDATE "DailyFigures" SET "Shard" = 0;
        """;

    /// <summary>Recounts every day from the raw rows there are (at the upgrade that brings the triggers, and after a bulk load).</summary>
    public static string Rebuild(bool postgres)
    {
        var day = postgres ? (Func<string, string>)(c => $"""({c} AT TIME ZONE 'UTC')::date""") : c => $"date({c})";
        var ms = postgres
            ? """EXTRACT(EPOCH FROM d."CompletedAt" - e."OccurredAt") * 1000"""
            : SqliteLatencyMs;
        var flag = postgres ? (Func<string, string>)(c => $"CASE WHEN {c} THEN 1 ELSE 0 END") : c => $"({c})";
        return $"""
            DELETE FROM "DailyFigures";
            DELETE FROM "DailyLatency";
            INSERT INTO "DailyFigures" ({FiguresColumns})
            SELECT "Day", 0, SUM("R"), SUM("P"), SUM("S"), SUM("F") FROM (
                SELECT {day("\"CreatedAt\"")} AS "Day", 1 AS "R", CASE WHEN "CostCurrency" = {Points} THEN "Cost" ELSE 0 END AS "P", 0 AS "S", 0 AS "F"
                FROM "Redemptions"
                UNION ALL
                SELECT {day("\"CompletedAt\"")}, 0, 0, {flag($"\"Status\" = {Succeeded}")}, {flag($"\"Status\" = {Failed}")}
                FROM "Deliveries" WHERE "CompletedAt" IS NOT NULL AND "Status" <> 0
            ) AS counted GROUP BY "Day";
            INSERT INTO "DailyLatency" ("Day", "Bucket", "Count")
            SELECT "Day", "Bucket", COUNT(*) FROM (
                SELECT "Day", {LatencyHistogram.BucketSql("\"Ms\"")} AS "Bucket" FROM (
                    SELECT {day("d.\"CompletedAt\"")} AS "Day", {ms} AS "Ms"
                    FROM "Deliveries" d JOIN "Events" e ON e."Id" = d."EventId"
                    WHERE d."Status" = {Succeeded} AND d."CompletedAt" IS NOT NULL) AS latency
            ) AS bucketed GROUP BY "Day", "Bucket";
            """;
    }

    /// <summary>Inside the engine's outcome transaction: its own updates are left to the fold below (see the class summary).</summary>
    internal const string SqliteDefer = """INSERT INTO "DailyFiguresDeferred" VALUES (1)""";

    internal const string SqliteResume = """DELETE FROM "DailyFiguresDeferred" """;

    /// <summary>
    /// Counts the deliveries whose ids are in the JSON array @ids, each just moved from pending to where it ended, in
    /// one statement grouped by day. A pending row is not counted, so there is nothing to take off.
    /// </summary>
    internal static readonly string SqliteFoldFigures = $"""
        INSERT INTO "DailyFigures" ({FiguresColumns})
        SELECT date(d."CompletedAt"), 0, 0, 0, SUM(d."Status" = {Succeeded}), SUM(d."Status" = {Failed})
        FROM "Deliveries" d WHERE d."Id" IN (SELECT "value" FROM json_each(@ids)) AND d."CompletedAt" IS NOT NULL AND d."Status" <> 0
        GROUP BY 1
        ON CONFLICT ("Day", "Shard") DO UPDATE SET "DeliveriesSucceeded" = "DeliveriesSucceeded" + excluded."DeliveriesSucceeded",
            "DeliveriesFailed" = "DeliveriesFailed" + excluded."DeliveriesFailed"
        """;

    /// <summary>
    /// The same deliveries' latency, grouped by day and bucket. Materialized so that each row's latency is worked out
    /// once, not again in each branch of the bucket's CASE.
    /// </summary>
    internal static readonly string SqliteFoldLatency = $"""
        WITH latency AS MATERIALIZED (
            SELECT date(d."CompletedAt") AS "Day", {SqliteLatencyMs} AS "Ms"
            FROM "Deliveries" d JOIN "Events" e ON e."Id" = d."EventId"
            WHERE d."Id" IN (SELECT "value" FROM json_each(@ids)) AND d."Status" = {Succeeded} AND d."CompletedAt" IS NOT NULL)
        INSERT INTO "DailyLatency" ("Day", "Bucket", "Count")
        SELECT "Day", {LatencyHistogram.BucketSql("\"Ms\"")}, COUNT(*) FROM latency WHERE true
        GROUP BY 1, 2
        ON CONFLICT ("Day", "Bucket") DO UPDATE SET "Count" = "Count" + excluded."Count"
        """;

    private static string SqliteDeliveryCounted(string row, int sign) => $"""
        INSERT INTO "DailyFigures" ({FiguresColumns})
        SELECT date({row}."CompletedAt"), 0, 0, 0, {sign} * ({row}."Status" = {Succeeded}), {sign} * ({row}."Status" = {Failed})
        WHERE {row}."CompletedAt" IS NOT NULL AND {row}."Status" <> 0
        ON CONFLICT ("Day", "Shard") DO UPDATE SET "DeliveriesSucceeded" = "DeliveriesSucceeded" + excluded."DeliveriesSucceeded",
            "DeliveriesFailed" = "DeliveriesFailed" + excluded."DeliveriesFailed";
        INSERT INTO "DailyLatency" ("Day", "Bucket", "Count")
        SELECT date({row}."CompletedAt"), {LatencyHistogram.BucketSql("latency.\"Ms\"")}, {sign}
        FROM (SELECT round((julianday({row}."CompletedAt") - julianday(e."OccurredAt")) * 86400000.0) AS "Ms" FROM "Events" e
              WHERE e."Id" = {row}."EventId" AND {row}."Status" = {Succeeded} AND {row}."CompletedAt" IS NOT NULL) AS latency
        WHERE true
        ON CONFLICT ("Day", "Bucket") DO UPDATE SET "Count" = "Count" + excluded."Count";
        """;

    private static string SqliteInstall => $"""
        CREATE TABLE IF NOT EXISTS "DailyFiguresDeferred" ("Deferred" INTEGER NOT NULL);
        CREATE TRIGGER "DailyFigures_RedemptionInserted" AFTER INSERT ON "Redemptions"
        BEGIN
            INSERT INTO "DailyFigures" ({FiguresColumns})
            VALUES (date(NEW."CreatedAt"), 0, 1, CASE WHEN NEW."CostCurrency" = {Points} THEN NEW."Cost" ELSE 0 END, 0, 0)
            ON CONFLICT ("Day", "Shard") DO UPDATE SET "Redemptions" = "Redemptions" + 1, "PointsRedeemed" = "PointsRedeemed" + excluded."PointsRedeemed";
        END;
        CREATE TRIGGER "DailyFigures_DeliveryInserted" AFTER INSERT ON "Deliveries"
        WHEN NEW."CompletedAt" IS NOT NULL AND NEW."Status" <> 0
        BEGIN
        {SqliteDeliveryCounted("NEW", 1)}
        END;
        CREATE TRIGGER "DailyFigures_DeliveryUpdated" AFTER UPDATE OF "Status", "CompletedAt" ON "Deliveries"
        WHEN (OLD."Status" IS NOT NEW."Status" OR OLD."CompletedAt" IS NOT NEW."CompletedAt") AND NOT EXISTS (SELECT 1 FROM "DailyFiguresDeferred")
        BEGIN
        {SqliteDeliveryCounted("OLD", -1)}
        {SqliteDeliveryCounted("NEW", 1)}
        END;
        """;

    /// <summary>Counts the rows of <c>changes</c> ("EventId", "Status", "CompletedAt", "Sign"), in day order so that two nodes lock day rows alike.</summary>
    private static string PostgresDeliveriesCounted(string changes) => $"""
        WITH changes AS ({changes}),
        figures AS (
            INSERT INTO "DailyFigures" AS f ({FiguresColumns})
            SELECT ("CompletedAt" AT TIME ZONE 'UTC')::date, daily_figures_shard(("CompletedAt" AT TIME ZONE 'UTC')::date), 0, 0,
                SUM(CASE WHEN "Status" = {Succeeded} THEN "Sign" ELSE 0 END), SUM(CASE WHEN "Status" = {Failed} THEN "Sign" ELSE 0 END)
            FROM changes GROUP BY 1 ORDER BY 1
            ON CONFLICT ("Day", "Shard") DO UPDATE SET "DeliveriesSucceeded" = f."DeliveriesSucceeded" + excluded."DeliveriesSucceeded",
                "DeliveriesFailed" = f."DeliveriesFailed" + excluded."DeliveriesFailed")
        INSERT INTO "DailyLatency" AS l ("Day", "Bucket", "Count")
        SELECT "Day", {LatencyHistogram.BucketSql("\"Ms\"")}, SUM("Sign") FROM (
            SELECT (c."CompletedAt" AT TIME ZONE 'UTC')::date AS "Day", EXTRACT(EPOCH FROM c."CompletedAt" - e."OccurredAt") * 1000 AS "Ms", c."Sign"
            FROM changes c JOIN "Events" e ON e."Id" = c."EventId" WHERE c."Status" = {Succeeded}) AS latency
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT ("Day", "Bucket") DO UPDATE SET "Count" = l."Count" + excluded."Count";
        """;

    private const string Changed = """(o."Status" IS DISTINCT FROM n."Status" OR o."CompletedAt" IS DISTINCT FROM n."CompletedAt")""";

    /// <summary>
    /// The row of the day that this transaction counts into: one that no other running transaction counts into, so
    /// that none waits for another's commit. Its id picks where to start looking; an advisory lock, held until the
    /// transaction ends (and taken again at once by the same transaction), marks a row as taken.
    /// </summary>
    private static string PostgresShardFunction => $"""
        CREATE OR REPLACE FUNCTION daily_figures_shard(p_day date) RETURNS int LANGUAGE plpgsql AS $body$
        DECLARE
            start_shard int := (pg_current_xact_id()::text::bigint % {Shards})::int;
        BEGIN
            FOR i IN 0..{Shards - 1} LOOP
                IF pg_try_advisory_xact_lock(hashtext('DailyFigures'), (p_day - DATE '2000-01-01') * {Shards} + (start_shard + i) % {Shards}) THEN
                    RETURN (start_shard + i) % {Shards};
                END IF;
            END LOOP;
            RETURN start_shard;
        END $body$;
        """;

    private static string PostgresInstall => $"""
        {PostgresShardFunction}
        CREATE OR REPLACE FUNCTION daily_figures_redemptions() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO "DailyFigures" AS f ({FiguresColumns})
            SELECT ("CreatedAt" AT TIME ZONE 'UTC')::date, daily_figures_shard(("CreatedAt" AT TIME ZONE 'UTC')::date),
                COUNT(*), SUM(CASE WHEN "CostCurrency" = {Points} THEN "Cost" ELSE 0 END), 0, 0
            FROM inserted GROUP BY 1 ORDER BY 1
            ON CONFLICT ("Day", "Shard") DO UPDATE SET "Redemptions" = f."Redemptions" + excluded."Redemptions",
                "PointsRedeemed" = f."PointsRedeemed" + excluded."PointsRedeemed";
            RETURN NULL;
        END $body$;
        CREATE TRIGGER daily_figures_redemptions AFTER INSERT ON "Redemptions"
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION daily_figures_redemptions();

        CREATE OR REPLACE FUNCTION daily_figures_deliveries_inserted() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            {PostgresDeliveriesCounted("""
                SELECT "EventId", "Status", "CompletedAt", 1 AS "Sign" FROM inserted WHERE "CompletedAt" IS NOT NULL AND "Status" <> 0
                """)}
            RETURN NULL;
        END $body$;
        CREATE TRIGGER daily_figures_deliveries_inserted AFTER INSERT ON "Deliveries"
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION daily_figures_deliveries_inserted();

        CREATE OR REPLACE FUNCTION daily_figures_deliveries_updated() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            {PostgresDeliveriesCounted($"""
                SELECT o."EventId", o."Status", o."CompletedAt", -1 AS "Sign" FROM old_rows o JOIN new_rows n ON n."Id" = o."Id"
                WHERE o."CompletedAt" IS NOT NULL AND o."Status" <> 0 AND {Changed}
                UNION ALL
                SELECT n."EventId", n."Status", n."CompletedAt", 1 FROM new_rows n JOIN old_rows o ON o."Id" = n."Id"
                WHERE n."CompletedAt" IS NOT NULL AND n."Status" <> 0 AND {Changed}
                """)}
            RETURN NULL;
        END $body$;
        CREATE TRIGGER daily_figures_deliveries_updated AFTER UPDATE ON "Deliveries"
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION daily_figures_deliveries_updated();
        """;
}
