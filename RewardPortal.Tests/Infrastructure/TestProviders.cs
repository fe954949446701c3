namespace RewardPortal.Tests.Infrastructure;

/// <summary>The database providers a behaviour is proven on: SQLite always, PostgreSQL where it is installed and always in CI.</summary>
public static class TestProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> All() => PostgresServer.Wanted ? new(Sqlite, Postgres) : new(Sqlite);

    /// <summary>Settings that put a whole app (<see cref="PortalFactory"/>) on the provider: a fresh database of its own on PostgreSQL.</summary>
    public static Dictionary<string, string?> AppSettings(string provider) => provider == Postgres
        ? new()
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:RewardPortal"] = new PostgresTestDatabase(PostgresServer.Shared).ConnectionString,
        }
        : [];
}
