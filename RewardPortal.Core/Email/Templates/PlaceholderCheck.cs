using Fluid;
using Fluid.Ast;

namespace RewardPortal.Core.Email.Templates;

/// <summary>
/// Finds a name a template uses that is not a placeholder, in every branch, not only the ones a sample redemption takes:
/// Liquid renders an unknown name as nothing, and a typo would only show as a blank in a sent email.
/// </summary>
internal sealed class PlaceholderCheck : AstVisitor
{
    // forloop and tablerowloop are Liquid's own; empty and blank are its keywords.
    private static readonly HashSet<string> LiquidNames = ["forloop", "tablerowloop", "empty", "blank", "nil", "null", "true", "false"];
    private static readonly HashSet<string> Known = [.. EmailPlaceholders.All.Select(p => p.Name)];
    private static readonly HashSet<string> Roots = [.. EmailPlaceholders.All.Select(p => p.Name.Split('.')[0])];
    private static readonly HashSet<string> AnyValueMembers = ["size", "first", "last"];

    private readonly HashSet<string> locals = [];
    private readonly HashSet<string> pairItems = [];
    private string? unknown;

    public static string? FirstUnknown(IFluidTemplate template)
    {
        var check = new PlaceholderCheck();
        check.VisitTemplate(template);
        return check.unknown;
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        locals.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        locals.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        Bind(forStatement.Identifier, forStatement.Source);
        return base.VisitForStatement(forStatement);
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        Bind(tableRowStatement.Identifier, tableRowStatement.Source);
        return base.VisitTableRowStatement(tableRowStatement);
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var path = memberExpression.Segments.TakeWhile(s => s is IdentifierSegment).Select(s => ((IdentifierSegment)s).Identifier).ToList();
        if (unknown is null && path.Count > 0 && !IsKnown(path))
            unknown = string.Join(".", path);
        return base.VisitMemberExpression(memberExpression);
    }

    private void Bind(string identifier, Expression? source)
    {
        var path = source is MemberExpression m ? string.Join(".", m.Segments.OfType<IdentifierSegment>().Select(s => s.Identifier)) : null;
        if (path is not null && EmailPlaceholders.Lists.Contains(path))
            pairItems.Add(identifier);
        else
            locals.Add(identifier);
    }

    private bool IsKnown(List<string> path)
    {
        var root = path[0];
        if (LiquidNames.Contains(root) || locals.Contains(root))
            return true;
        if (pairItems.Contains(root))
            return path.Count == 1 || EmailPlaceholders.PairMembers.Contains(path[1]) || AnyValueMembers.Contains(path[1]);
        if (!Roots.Contains(root) || path.Count == 1)
            return false;
        var name = $"{root}.{path[1]}";
        return Known.Contains(name) && (path.Count == 2 || AnyValueMembers.Contains(path[2]));
    }
}
