using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace RewardPortal.Core.Data;

/// <summary>EF's commands on a connection that keeps <see cref="PreparedStatements"/> run as the kept command for their text.</summary>
internal sealed class KeptCommandInterceptor : DbCommandInterceptor
{
    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result) =>
        result.Connection is { } connection && PreparedStatements.Of(connection) is { } statements ? statements.Adopt(result) : result;
}
