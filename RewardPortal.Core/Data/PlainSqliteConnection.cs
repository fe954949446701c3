using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace RewardPortal.Core.Data;

#pragma warning disable EF1001 // EF's SQLite connection is internal API: if an EF upgrade changes it, drop this class and its Use.
/// <summary>
/// EF's SQLite connection without EF's helper functions. EF gives every connection it makes a dozen SQL functions for
/// decimal arithmetic and comparison, and <c>regexp</c>; Microsoft.Data.Sqlite registers them again on every open and
/// removes them on every close, which cost about a fifth of a short API read (`bench api`, docs/benchmarks.md). The
/// model has no decimal column (<c>PooledContextsTests</c> keeps it so) and no query uses <c>Regex</c>, so nothing here needs
/// them; the writer's and the engine's own connections never had them.
/// </summary>
internal sealed class PlainSqliteConnection(
    RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder, IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options) => options.ReplaceService<ISqliteRelationalConnection, PlainSqliteConnection>();

    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
#pragma warning restore EF1001
