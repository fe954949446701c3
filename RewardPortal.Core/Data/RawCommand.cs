using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace RewardPortal.Core.Data;

/// <summary>
/// A plain command in the context's transaction, for the hot statements EF would only slow down (or cannot say, as RETURNING).
/// On a connection that keeps <see cref="PreparedStatements"/> (the SQLite writer's) the command is made once and kept
/// prepared; elsewhere it is made for the call and disposed with this.
/// </summary>
internal sealed class RawCommand : IAsyncDisposable
{
    private readonly bool kept;

    private RawCommand(DbCommand command, bool kept) => (Command, this.kept) = (command, kept);

    public DbCommand Command { get; }

    public static RawCommand Create(RewardPortalDbContext db, string sql, params string[] parameters) =>
        Create(db, sql, connection => Plain(connection, sql, parameters));

    /// <param name="create">Makes the command, its text and its parameters set, on the connection given.</param>
    public static RawCommand Create(RewardPortalDbContext db, string sql, Func<DbConnection, DbCommand> create)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (PreparedStatements.Of(connection) is { } statements)
            return new RawCommand(statements.Get(sql, create, transaction), kept: true);
        var command = create(connection);
        command.Transaction = transaction;
        return new RawCommand(command, kept: false);
    }

    /// <summary>
    /// Reads the first row of a query, or default when there is none, on the context's connection (and transaction),
    /// opened for the call if it is not open: for the hot reads where EF's materializing costs more than the row.
    /// </summary>
    public static async Task<T?> FirstRowAsync<T>(
        RewardPortalDbContext db, string sql, string[] parameters, object?[] values, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var opened = db.Database.GetDbConnection().State != ConnectionState.Open;
        if (opened)
            await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var query = Create(db, sql, parameters).With(values);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? read(reader) : default;
        }
        finally
        {
            if (opened)
                await db.Database.CloseConnectionAsync();
        }
    }

    public RawCommand With(params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            Command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return this;
    }

    public Task<DbDataReader> ExecuteReaderAsync(CancellationToken cancellationToken) => Command.ExecuteReaderAsync(cancellationToken);
    public Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => Command.ExecuteNonQueryAsync(cancellationToken);

    public ValueTask DisposeAsync() => kept ? ValueTask.CompletedTask : Command.DisposeAsync();

    private static DbCommand Plain(DbConnection connection, string sql, string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
