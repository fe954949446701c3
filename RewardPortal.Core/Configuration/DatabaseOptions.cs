namespace RewardPortal.Core.Configuration;

public enum DatabaseProvider { Sqlite, Postgres }

public class DatabaseOptions
{
    public const string Section = "Database";
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}
