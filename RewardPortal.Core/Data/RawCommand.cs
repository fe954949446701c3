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
