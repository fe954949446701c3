using RewardPortal.Core.Dashboard;

namespace RewardPortal.Core.Data.Migrations;

/// <summary>
/// The rollups' triggers and recount as the DailyFigures migration first installed them (one row a day, a trigger per
/// row on SQLite), kept word for word: a migration runs the SQL of its own time, not today's <see cref="DailyFiguresSql"/>.
/// </summary>
internal static class FirstDailyFiguresSql
{
    private const string FiguresColumns = """ "Day", "Redemptions", "PointsRedeemed", "DeliveriesSucceeded", "DeliveriesFailed" """;
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
          """;

    /// <summary>Recounts every day from the raw rows there are (at the upgrade that brings the triggers, and after a bulk load).</summary>
    public static string Rebuild(bool postgres)
    {
        var day = postgres ? (Func<string, string>)(c => $"""({c} AT TIME ZONE 'UTC')::date""") : c => $"date({c})";
        var ms = postgres
            ? """EXTRACT(EPOCH FROM d."CompletedAt" - e."OccurredAt") * 1000"""
            : """round((julianday(d."CompletedAt") - julianday(e."OccurredAt")) * 86400000.0, 3)""";
        var flag = postgres ? (Func<string, string>)(c => $"CASE WHEN {c} THEN 1 ELSE 0 END") : c => $"({c})";
        return $"""
            DELETE FROM "DailyFigures";
            DELETE FROM "DailyLatency";
            INSERT INTO "DailyFigures" ({FiguresColumns})
            SELECT "Day", SUM("R"), SUM("P"), SUM("S"), SUM("F") FROM (
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

    private static string SqliteDeliveryCounted(string row, int sign) => $"""
        INSERT INTO "DailyFigures" ({FiguresColumns})
        SELECT date({row}."CompletedAt"), 0, 0, {sign} * ({row}."Status" = {Succeeded}), {sign} * ({row}."Status" = {Failed})
        WHERE {row}."CompletedAt" IS NOT NULL AND {row}."Status" <> 0
        ON CONFLICT ("Day") DO UPDATE SET "DeliveriesSucceeded" = "DeliveriesSucceeded" + excluded."DeliveriesSucceeded",
            "DeliveriesFailed" = "DeliveriesFailed" + excluded."DeliveriesFailed";
        INSERT INTO "DailyLatency" ("Day", "Bucket", "Count")
        SELECT date({row}."CompletedAt"), {LatencyHistogram.BucketSql("latency.\"Ms\"")}, {sign}
        FROM (SELECT round((julianday({row}."CompletedAt") - julianday(e."OccurredAt")) * 86400000.0, 3) AS "Ms" FROM "Events" e
              WHERE e."Id" = {row}."EventId" AND {row}."Status" = {Succeeded} AND {row}."CompletedAt" IS NOT NULL) AS latency
        WHERE true
        ON CONFLICT ("Day", "Bucket") DO UPDATE SET "Count" = "Count" + excluded."Count";
        """;

    private static string SqliteInstall => $"""
        CREATE TRIGGER "DailyFigures_RedemptionInserted" AFTER INSERT ON "Redemptions"
        BEGIN
            INSERT INTO "DailyFigures" ({FiguresColumns})
            VALUES (date(NEW."CreatedAt"), 1, CASE WHEN NEW."CostCurrency" = {Points} THEN NEW."Cost" ELSE 0 END, 0, 0)
            ON CONFLICT ("Day") DO UPDATE SET "Redemptions" = "Redemptions" + 1, "PointsRedeemed" = "PointsRedeemed" + excluded."PointsRedeemed";
        END;
        CREATE TRIGGER "DailyFigures_DeliveryInserted" AFTER INSERT ON "Deliveries"
        WHEN NEW."CompletedAt" IS NOT NULL AND NEW."Status" <> 0
        BEGIN
        {SqliteDeliveryCounted("NEW", 1)}
        END;
        CREATE TRIGGER "DailyFigures_DeliveryUpdated" AFTER UPDATE OF "Status", "CompletedAt" ON "Deliveries"
        WHEN OLD."Status" IS NOT NEW."Status" OR OLD."CompletedAt" IS NOT NEW."CompletedAt"
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
            SELECT ("CompletedAt" AT TIME ZONE 'UTC')::date, 0, 0,
                SUM(CASE WHEN "Status" = {Succeeded} THEN "Sign" ELSE 0 END), SUM(CASE WHEN "Status" = {Failed} THEN "Sign" ELSE 0 END)
            FROM changes GROUP BY 1 ORDER BY 1
            ON CONFLICT ("Day") DO UPDATE SET "DeliveriesSucceeded" = f."DeliveriesSucceeded" + excluded."DeliveriesSucceeded",
                "DeliveriesFailed" = f."DeliveriesFailed" + excluded."DeliveriesFailed")
        INSERT INTO "DailyLatency" AS l ("Day", "Bucket", "Count")
        SELECT "Day", {LatencyHistogram.BucketSql("\"Ms\"")}, SUM("Sign") FROM (
            SELECT (c."CompletedAt" AT TIME ZONE 'UTC')::date AS "Day", EXTRACT(EPOCH FROM c."CompletedAt" - e."OccurredAt") * 1000 AS "Ms", c."Sign"
            FROM changes c JOIN "Events" e ON e."Id" = c."EventId" WHERE c."Status" = {Succeeded}) AS latency
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT ("Day", "Bucket") DO UPDATE SET "Count" = l."Count" + excluded."Count";
        """;

    private const string Changed = """(o."Status" IS DISTINCT FROM n."Status" OR o."CompletedAt" IS DISTINCT FROM n."CompletedAt")""";

    private static string PostgresInstall => $"""
        CREATE OR REPLACE FUNCTION daily_figures_redemptions() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            INSERT INTO "DailyFigures" AS f ({FiguresColumns})
            SELECT ("CreatedAt" AT TIME ZONE 'UTC')::date, COUNT(*), SUM(CASE WHEN "CostCurrency" = {Points} THEN "Cost" ELSE 0 END), 0, 0
            FROM inserted GROUP BY 1 ORDER BY 1
            ON CONFLICT ("Day") DO UPDATE SET "Redemptions" = f."Redemptions" + excluded."Redemptions",
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
