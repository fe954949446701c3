namespace RewardPortal.Core.Cluster;

/// <summary>
/// On PostgreSQL, a trigger on Deliveries sends a notification whenever a row becomes claimable (a new delivery, a
/// retry written back, a lease given back or taken over). NOTIFY belongs to the writing transaction: it is delivered
/// only on commit, once per transaction (identical notifications fold into one), to every node listening
/// (<see cref="PostgresDeliveryListener"/>). Claims and finished deliveries match no row of the WHEN clause and notify nobody.
/// </summary>
public static class DeliveryNotifications
{
    public const string Channel = "rewardportal_deliveries";

    /// <summary>Run by the migration that adds it (PostgreSQL only).</summary>
    public const string CreateTrigger = $"""
        CREATE OR REPLACE FUNCTION rewardportal_notify_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{Channel}', '');
            RETURN NULL;
        END $$;
        CREATE TRIGGER deliveries_notify AFTER INSERT OR UPDATE ON "Deliveries"
            FOR EACH ROW WHEN (NEW."Status" = 0 AND NEW."LeasedBy" IS NULL)
            EXECUTE FUNCTION rewardportal_notify_deliveries();
        """;

    public const string DropTrigger = """
        DROP TRIGGER IF EXISTS deliveries_notify ON "Deliveries";
        DROP FUNCTION IF EXISTS rewardportal_notify_deliveries();
        """;
}
