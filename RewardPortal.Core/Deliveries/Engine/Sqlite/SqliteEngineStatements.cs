using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RewardPortal.Core.Deliveries.Engine.Sqlite;

/// <summary>
/// The engine's hot statements on SQLite, run through SQLitePCLRaw (the library under Microsoft.Data.Sqlite) on the
/// engine's own connection: each prepared once and kept, values bound by position. Through Microsoft.Data.Sqlite every
/// run of a small statement allocates a reader, a binder per parameter and more; at thousands of deliveries a second
/// that was a measurable share of the engine's CPU (docs/benchmarks.md). Values are written as Microsoft.Data.Sqlite
/// and EF write them (times as <see cref="SqliteTimeText"/>, booleans as 0 and 1), so all of them read the same rows.
/// The statements run in whatever transaction the connection is in. Used by the dispatcher's loop only, one at a time.
/// </summary>
internal sealed class SqliteEngineStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, sqlite3_stmt> prepared = [];

    /// <summary>Runs a query, calling <paramref name="row"/> for each row; the parameters are bound in the order of their first appearance.</summary>
    public void Query(string sql, Action<Row> row, params ReadOnlySpan<Value> values)
    {
        var statement = Bound(sql, values);
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                row(new Row(statement));
            Check(rc);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <returns>The number of rows the statement changed.</returns>
    public int Execute(string sql, params ReadOnlySpan<Value> values)
    {
        var statement = Bound(sql, values);
        try
        {
            Check(raw.sqlite3_step(statement));
            return raw.sqlite3_changes(connection.Handle!);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public void Dispose()
    {
        foreach (var statement in prepared.Values)
            statement.Dispose();
        prepared.Clear();
    }

    private sqlite3_stmt Bound(string sql, ReadOnlySpan<Value> values)
    {
        if (!prepared.TryGetValue(sql, out var statement))
        {
            var rc = raw.sqlite3_prepare_v3(connection.Handle!, sql, raw.SQLITE_PREPARE_PERSISTENT, out statement);
            if (rc != raw.SQLITE_OK)
            {
                statement.Dispose();
                SqliteException.ThrowExceptionForRC(rc, connection.Handle!);
            }
            var takes = raw.sqlite3_bind_parameter_count(statement);
            if (takes != values.Length)
            {
                statement.Dispose();
                throw new ArgumentException($"The statement takes {takes} values, not {values.Length}: {sql}");
            }
            prepared[sql] = statement;
        }
        for (var i = 0; i < values.Length; i++)
            Check(values[i].Bind(statement, i + 1));
        return statement;
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            SqliteException.ThrowExceptionForRC(rc, connection.Handle!);
    }

    /// <summary>One value to bind: a whole number, a time, text, or null; without boxing.</summary>
    public readonly struct Value
    {
        private readonly long number;
        private readonly DateTime time;
        private readonly string? text;
        private readonly Kind kind;

        private Value(Kind kind, long number = 0, DateTime time = default, string? text = null) =>
            (this.kind, this.number, this.time, this.text) = (kind, number, time, text);

        private enum Kind { Null, Number, Time, Text }

        public static implicit operator Value(long value) => new(Kind.Number, number: value);
        public static implicit operator Value(bool value) => new(Kind.Number, number: value ? 1 : 0);
        public static implicit operator Value(long? value) => value is { } v ? new(Kind.Number, number: v) : default;
        public static implicit operator Value(DateTime? value) => value is { } v ? new(Kind.Time, time: v) : default;
        public static implicit operator Value(string? value) => value is null ? default : new(Kind.Text, text: value);

        internal int Bind(sqlite3_stmt statement, int index)
        {
            switch (kind)
            {
                case Kind.Number:
                    return raw.sqlite3_bind_int64(statement, index, number);
                case Kind.Text:
                    return raw.sqlite3_bind_text(statement, index, text!);
                case Kind.Time:
                    Span<byte> utf8 = stackalloc byte[SqliteTimeText.MaxLength];
                    return raw.sqlite3_bind_text(statement, index, utf8[..SqliteTimeText.Write(time, utf8)]);
                default:
                    return raw.sqlite3_bind_null(statement, index);
            }
        }
    }

    /// <summary>The current row of a running query; valid only inside the callback.</summary>
    public readonly struct Row(sqlite3_stmt statement)
    {
        public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

        public int Int32(int column) => raw.sqlite3_column_int(statement, column);

        public string Text(int column) => raw.sqlite3_column_text(statement, column).utf8_to_string();

        public string? TextOrNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : Text(column);

        /// <summary>A text column's UTF-8 bytes, without making a string of them.</summary>
        public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(statement, column);

        public DateTime Time(int column) => SqliteTimeText.Read(Utf8(column));
    }
}
