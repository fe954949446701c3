using System.Data.Common;
using System.Runtime.CompilerServices;

namespace RewardPortal.Core.Data;

/// <summary>
/// Commands kept prepared on one long-lived connection (the SQLite writer's), one per SQL text. Microsoft.Data.Sqlite
/// prepares a command's statements again for every new command; on the writer, which runs every redemption in turn,
/// SQLite's parser and code generator took as long as the statements themselves. Used by one caller at a time, as the
/// connection is. (PostgreSQL needs none of this: Npgsql prepares repeated statements itself, <see cref="PostgresConnectionString"/>.)
/// </summary>
internal sealed class PreparedStatements : IDisposable
{
    internal const int MaxKept = 100;
    private static readonly ConditionalWeakTable<DbConnection, PreparedStatements> ByConnection = new();
    private readonly DbConnection connection;
    private readonly Dictionary<string, DbCommand> commands = [];
    private readonly Dictionary<string, Stack<DbCommand>> adopted = [];
    private int adoptedCount;
    private bool disposed;

    private PreparedStatements(DbConnection connection) => this.connection = connection;

    /// <summary>Keeps the commands made for <paramref name="connection"/> from now on, until disposed.</summary>
    public static PreparedStatements KeepOn(DbConnection connection)
    {
        var statements = new PreparedStatements(connection);
        ByConnection.AddOrUpdate(connection, statements);
        return statements;
    }

    public static PreparedStatements? Of(DbConnection connection) => ByConnection.TryGetValue(connection, out var statements) ? statements : null;

    /// <summary>The command for <paramref name="sql"/>, made by <paramref name="create"/> the first time, in <paramref name="transaction"/>.</summary>
    public DbCommand Get(string sql, Func<DbConnection, DbCommand> create, DbTransaction? transaction)
    {
        if (!commands.TryGetValue(sql, out var command))
        {
            // A bound, in case a caller ever builds its text from values: the hot statements are a dozen.
            if (commands.Count >= MaxKept)
                DisposeCommands();
            commands[sql] = command = create(connection);
        }
        command.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// EF's command, exchanged for an idle kept one of the same text with its parameters (or kept itself, the first
    /// time): <see cref="KeptCommandInterceptor"/>. A text run again while its reader is open gets a command of its own.
    /// </summary>
    public DbCommand Adopt(DbCommand fresh)
    {
        if (!disposed && adopted.TryGetValue(fresh.CommandText, out var idle) && idle.TryPop(out var kept))
        {
            adoptedCount--;
            var parameters = fresh.Parameters.Cast<DbParameter>().ToArray();
            fresh.Parameters.Clear();
            kept.Parameters.Clear();
            kept.Parameters.AddRange(parameters);
            (kept.Transaction, kept.CommandTimeout) = (fresh.Transaction, fresh.CommandTimeout);
            fresh.Dispose();
            return new KeptCommand(kept, this);
        }
        return new KeptCommand(fresh, this);
    }

    /// <summary>A command of <see cref="Adopt"/> done with: kept for its text, or disposed past the bound.</summary>
    internal void Return(DbCommand command)
    {
        command.Parameters.Clear();
        if (disposed || adoptedCount >= MaxKept)
        {
            command.Dispose();
            return;
        }
        if (!adopted.TryGetValue(command.CommandText, out var idle))
            adopted[command.CommandText] = idle = new Stack<DbCommand>();
        idle.Push(command);
        adoptedCount++;
    }

    public void Dispose()
    {
        disposed = true;
        ByConnection.Remove(connection);
        DisposeCommands();
        foreach (var command in adopted.Values.SelectMany(idle => idle))
            command.Dispose();
        adopted.Clear();
    }

    private void DisposeCommands()
    {
        foreach (var command in commands.Values)
            command.Dispose();
        commands.Clear();
    }
}
