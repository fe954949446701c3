using System.Text;
using Microsoft.Data.Sqlite;
using RewardPortal.Core.Deliveries.Engine.Sqlite;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Deliveries;

/// <summary>
/// The engine writes its hot rows through SQLitePCLRaw while EF and the admin screens read them through
/// Microsoft.Data.Sqlite: the two must store every value the same way, or comparisons such as "NextAttemptAt &lt;= now"
/// and the screens' filters would go wrong.
/// </summary>
public sealed class SqliteEngineStatementsTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly SqliteConnection connection;

    public SqliteEngineStatementsTests()
    {
        connection = new SqliteConnection($"Data Source={directory.File("statements.db")};Pooling=False");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE Rows (Source TEXT, Number, Flag, Time, NoTime, Code, NoCode, Text, NoText)";
        create.ExecuteNonQuery();
    }

    [Fact]
    public void ValuesAreStoredExactlyAsMicrosoftDataSqliteStoresThem()
    {
        var at = new DateTime(2026, 12, 2, 1, 2, 3, DateTimeKind.Utc).AddTicks(1_234_500);
        const string text = "Ada \U0001F600 \"quoted\"";
        using (var statements = new SqliteEngineStatements(connection))
            statements.Execute("INSERT INTO Rows VALUES ('engine', @number, @flag, @time, @noTime, @code, @noCode, @text, @noText)",
                42L, true, at, (DateTime?)null, (int?)200, (int?)null, text, (string?)null);
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO Rows VALUES ('ef', @number, @flag, @time, @noTime, @code, @noCode, @text, @noText)";
            insert.Parameters.AddWithValue("@number", 42L);
            insert.Parameters.AddWithValue("@flag", true);
            insert.Parameters.AddWithValue("@time", at);
            insert.Parameters.AddWithValue("@noTime", DBNull.Value);
            insert.Parameters.AddWithValue("@code", 200);
            insert.Parameters.AddWithValue("@noCode", DBNull.Value);
            insert.Parameters.AddWithValue("@text", text);
            insert.Parameters.AddWithValue("@noText", DBNull.Value);
            insert.ExecuteNonQuery();
        }

        var stored = new Dictionary<string, string>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = """
                SELECT Source, quote(Number) || quote(Flag) || quote(Time) || quote(NoTime) || quote(Code) || quote(NoCode) || quote(Text) || quote(NoText)
                FROM Rows
                """;
            using var reader = read.ExecuteReader();
            while (reader.Read())
                stored[reader.GetString(0)] = reader.GetString(1);
        }
        Assert.Equal(stored["ef"], stored["engine"]);
    }

    [Fact]
    public void RowsReadBackAsTheValuesThatWereWritten()
    {
        var at = new DateTime(2026, 12, 2, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999);
        using var statements = new SqliteEngineStatements(connection);
        statements.Execute("INSERT INTO Rows (Source, Number, Time, Text) VALUES ('engine', @number, @time, @text)", long.MaxValue, at, "{\"a\":\"é\"}");

        (long Number, DateTime Time, string Text, byte[] Utf8)? read = null;
        statements.Query("SELECT Number, Time, Text, Text FROM Rows WHERE Source = @source",
            row => read = (row.Int64(0), row.Time(1), row.Text(2), row.Utf8(3).ToArray()), "engine");

        Assert.NotNull(read);
        Assert.Equal(long.MaxValue, read.Value.Number);
        Assert.Equal(at, read.Value.Time);
        Assert.Equal(DateTimeKind.Utc, read.Value.Time.Kind);
        Assert.Equal("{\"a\":\"é\"}", read.Value.Text);
        Assert.Equal(Encoding.UTF8.GetBytes("{\"a\":\"é\"}"), read.Value.Utf8);
    }

    [Fact]
    public void AStatementRunsAgainWithNewValuesAndCountsTheRowsItChanged()
    {
        using var statements = new SqliteEngineStatements(connection);
        for (var i = 0; i < 3; i++)
            statements.Execute("INSERT INTO Rows (Source, Number) VALUES ('engine', @number)", (long)i);

        Assert.Equal(2, statements.Execute("UPDATE Rows SET Flag = @flag WHERE Number >= @from", true, 1L));
        Assert.Equal(0, statements.Execute("UPDATE Rows SET Flag = @flag WHERE Number >= @from", true, 10L));
    }

    [Fact]
    public void TheWrongNumberOfValuesAndAMissingTableAreRefusedWithAnError()
    {
        using var statements = new SqliteEngineStatements(connection);

        Assert.Throws<ArgumentException>(() => statements.Execute("UPDATE Rows SET Number = @number WHERE Source = @source", 1L));
        var missing = Assert.Throws<SqliteException>(() => statements.Execute("DELETE FROM Gone WHERE Number = @number", 1L));
        Assert.Contains("no such table", missing.Message);
    }

    public void Dispose()
    {
        connection.Dispose();
        directory.Dispose();
    }
}
