using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Campaigns;

/// <summary>
/// Who may see and redeem a reward: everyone when it is limited to no campaign, otherwise the members of one of its
/// campaigns that is still active. The Redeem page and a redemption ask the same question, of the same rule.
/// </summary>
public static class CampaignAccess
{
    /// <summary>The rule, written once: the catalogue filters by it, and every redemption checks it (compiled).</summary>
    private static readonly Expression<Func<Reward, RewardPortalDbContext, long, bool>> Rule = (reward, db, participantId) =>
        !reward.Campaigns.Any()
        || reward.Campaigns.Any(c => c.IsActive && db.CampaignMembers.Any(m => m.CampaignId == c.Id && m.ParticipantId == participantId));

    public static IQueryable<Reward> VisibleTo(this IQueryable<Reward> rewards, RewardPortalDbContext db, long participantId) =>
        // The context and the participant as a closure would give them, so that the id goes to SQL as a parameter.
        rewards.Where(RuleFor(Captured(db), Captured(participantId)));

    /// <summary>Whether one reward is visible to one participant: the same rule, compiled, as every redemption asks it.</summary>
    public static Task<bool> IsVisibleAsync(RewardPortalDbContext db, long rewardId, long participantId, CancellationToken cancellationToken) =>
        IsVisible.For(db)(db, rewardId, participantId, cancellationToken);

    // Stands for the rule in the compiled query's shape until it is put in; never evaluated.
    private static readonly Expression<Func<Reward, bool>> Placeholder = _ => false;

    private static readonly CompiledQuery<Func<RewardPortalDbContext, long, long, CancellationToken, Task<bool>>> IsVisible = new(() =>
    {
        // A compiled query takes its values as parameters: the rule is put in with the query's own db and participantId.
        Expression<Func<RewardPortalDbContext, long, long, CancellationToken, bool>> shape = (db, rewardId, participantId, _) =>
            db.Rewards.Where(r => r.Id == rewardId).Any(Placeholder);
        var rule = RuleFor(shape.Parameters[0], shape.Parameters[2]);
        var body = new Replace(e => e is MemberExpression { Member.Name: nameof(Placeholder) } ? Expression.Quote(rule) : null).In(shape.Body);
        return EF.CompileAsyncQuery(Expression.Lambda<Func<RewardPortalDbContext, long, long, CancellationToken, bool>>(body, shape.Parameters));
    });

    private static Expression<Func<Reward, bool>> RuleFor(Expression db, Expression participantId)
    {
        var body = new Replace(e => e == Rule.Parameters[1] ? db : e == Rule.Parameters[2] ? participantId : null).In(Rule.Body);
        return Expression.Lambda<Func<Reward, bool>>(body, Rule.Parameters[0]);
    }

    private static MemberExpression Captured<T>(T value) => Expression.Field(Expression.Constant(new Closure<T>(value)), nameof(Closure<T>.Value));

    private sealed class Closure<T>(T value)
    {
        public readonly T Value = value;
    }

    /// <summary>Replaces each node the function gives a replacement for.</summary>
    private sealed class Replace(Func<Expression, Expression?> replacement) : ExpressionVisitor
    {
        public Expression In(Expression tree) => Visit(tree)!;

        public override Expression? Visit(Expression? node) => node is not null && replacement(node) is { } replaced ? replaced : base.Visit(node);
    }
}
