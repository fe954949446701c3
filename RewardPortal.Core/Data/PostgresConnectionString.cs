using System.Data.Common;
using Npgsql;

namespace RewardPortal.Core.Data;

/// <summary>
/// The app's PostgreSQL connection string, with Npgsql's automatic preparation on unless it says otherwise.
/// <para>Npgsql resets a pooled connection when it goes back to the pool, and without prepared statements that reset is
/// <c>DISCARD ALL</c>, which throws away every plan the session has cached: the dashboard's rollup triggers were planned
/// again in every transaction, and concurrent redemptions waited on each other for it (an upsert of 4 ms instead of
/// 0.2 ms under load, `bench postgres-latency`, docs/benchmarks.md). With statements prepared, Npgsql keeps them and
/// resets the session without discarding plans, and each statement the app repeats is parsed and planned once per connection.</para>
/// <para>Behind a pooler in transaction mode that cannot keep prepared statements, set <c>Max Auto Prepare=0</c>.</para>
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>Statements kept prepared per connection (least recently used go first): the app's busy paths need about 30.</summary>
    public const int AutoPrepared = 64;

    public static string Tuned(string connectionString)
    {
        // Npgsql's own builder knows every keyword whether given or not; the plain one has only those given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => k.Replace(" ", "").Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
        return given ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = AutoPrepared }.ConnectionString;
    }

    /// <summary>
    /// The same database through a pool of its own whose sessions commit without waiting for the disk: for the delivery
    /// engine's bookkeeping (see <c>EngineDatabase</c>), one round trip a turn fewer than a <c>SET LOCAL</c> in each transaction.
    /// A session's settings go back to these, not the server's, when the pool resets it.
    /// </summary>
    public static string CommittingWithoutWaitingForTheDisk(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c synchronous_commit=off".TrimStart();
        return builder.ConnectionString;
    }
}
