using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace RewardPortal.Core.Data;

/// <summary>
/// A query EF translates once (<c>EF.CompileAsyncQuery</c>), for reads that run on every call of a busy path: a compiled
/// query skips the translation cache's look-up, which costs more than a short query itself on SQLite.
/// Compiled once per model: a compiled query refuses to run against any model but the one it was compiled for, and one
/// process can hold several (tests host many apps, each with its own).
/// </summary>
internal sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> byModel = [];

    public TQuery For(RewardPortalDbContext db) => byModel.GetValue(db.Model, _ => compile());
}
