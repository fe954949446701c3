using System.Text.RegularExpressions;

namespace RewardPortal.Tests;

/// <summary>
/// The direction of RewardPortal.Core's namespaces, as drawn in README's "Map of the code", read from the sources: a
/// namespace uses another through a <c>using RewardPortal.Core.X</c> line, a fully qualified <c>RewardPortal.Core.X.</c>
/// reference, or by being its child. Each may use only what <see cref="MayUse"/> lists, and that list has no cycle.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    /// <summary>
    /// Bottom first. A sub-namespace counts as part of its feature, except the layers Deliveries and Notifications are
    /// split into (<c>Deliveries.Engine.Sqlite</c> is the engine's own plumbing, so part of the engine).
    /// </summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Common"] = [],
        ["Configuration"] = [],
        ["Auditing"] = ["Common"],
        ["Events"] = [],
        ["Notifications"] = ["Events"],
        ["Deliveries"] = ["Common", "Events", "Notifications"],
        ["Protection"] = ["Notifications"],
        ["Notifications.Digests"] = ["Deliveries", "Events", "Notifications"],
        ["Email"] = ["Auditing", "Common", "Events", "Notifications", "Notifications.Digests"],
        ["Alerts"] = ["Deliveries", "Email", "Notifications"],
        ["Webhooks"] = ["Alerts", "Auditing", "Common", "Deliveries", "Events", "Notifications"],
        ["Notifications.Management"] = ["Auditing", "Common", "Deliveries", "Events", "Notifications", "Webhooks"],
        ["Operations"] = ["Deliveries", "Notifications"],
        ["Dashboard"] = ["Deliveries", "Notifications", "Operations"],
        ["Retention"] = ["Auditing", "Common", "Deliveries"],
        ["Deliveries.Engine"] = ["Alerts", "Common", "Dashboard", "Deliveries", "Email", "Notifications", "Operations", "Webhooks"],
        ["Deliveries.Jobs"] = ["Auditing", "Common", "Deliveries", "Deliveries.Engine", "Notifications", "Notifications.Digests"],
        ["Cluster"] = ["Common", "Deliveries", "Deliveries.Engine"],
    };

    /// <summary>
    /// Left out of the check: the model's map (Data's context and configurations name every entity), the composition
    /// root and the seeding, and the program's records, whose services still sit beside the records they change and
    /// record events and signal deliveries from there.
    /// </summary>
    private static readonly string[] LeftOut =
        ["", "Data", "Seeding", "Participants", "Campaigns", "Rewards", "Redemptions", "Identity", "ApiKeys"];

    private static readonly string[] Layers = ["Deliveries.Engine", "Deliveries.Jobs", "Notifications.Digests", "Notifications.Management"];

    [Fact]
    public void EveryNamespaceOfCoreHasItsPlace()
    {
        var unplaced = Graph().Keys.Where(n => !MayUse.ContainsKey(n) && !LeftOut.Contains(n)).ToList();

        Assert.True(unplaced.Count == 0, $"Give {string.Join(", ", unplaced)} a place in MayUse (and in README's map of the code).");
    }

    [Fact]
    public void EachNamespaceUsesOnlyWhatItsPlaceAllows()
    {
        var wrong = (from edge in Graph()
                     where MayUse.ContainsKey(edge.Key)
                     from used in edge.Value
                     where MayUse.ContainsKey(used.Key) && !MayUse[edge.Key].Contains(used.Key)
                     select $"{edge.Key} uses {used.Key} in {string.Join(", ", used.Value.Order())}").ToList();

        Assert.True(wrong.Count == 0, "Against the direction:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void TheNamespacesDependOneWay()
    {
        var graph = Graph().Where(n => MayUse.ContainsKey(n.Key))
            .ToDictionary(n => n.Key, n => n.Value.Keys.Where(MayUse.ContainsKey).ToList());

        Assert.Empty(Cycle(graph));
    }

    [Fact]
    public void TheAllowedDirectionHasNoCycle()
    {
        Assert.All(MayUse.Values.SelectMany(u => u), used => Assert.Contains(used, MayUse.Keys));
        Assert.Empty(Cycle(MayUse.ToDictionary(n => n.Key, n => n.Value.ToList())));
    }

    [Fact]
    public void TheEngineAndItsJobsDependOnDeliveriesNeverTheReverse()
    {
        var deliveries = Graph()["Deliveries"];

        Assert.DoesNotContain("Deliveries.Engine", deliveries.Keys);
        Assert.DoesNotContain("Deliveries.Jobs", deliveries.Keys);
        Assert.DoesNotContain("Deliveries.Jobs", Graph()["Deliveries.Engine"].Keys);
    }

    /// <summary>Namespace → the namespaces it uses → the files that use them (paths under RewardPortal.Core).</summary>
    private static Dictionary<string, Dictionary<string, HashSet<string>>> Graph()
    {
        var core = CoreDirectory();
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsUnder(core, f, "bin") && !IsUnder(core, f, "obj") && !IsUnder(core, f, Path.Combine("Data", "Migrations")))
            .Select(f => (Path: Path.GetRelativePath(core, f), Text: File.ReadAllText(f)))
            .Select(f => (f.Path, f.Text, Declared: NamespaceDeclaration().Match(f.Text)))
            .Where(f => f.Declared.Success)
            .Select(f => (f.Path, f.Text, Namespace: Node(f.Declared.Groups[1].Value)))
            .ToList();
        var nodes = files.Select(f => f.Namespace).ToHashSet();
        var graph = nodes.ToDictionary(n => n, _ => new Dictionary<string, HashSet<string>>());
        foreach (var (path, text, from) in files)
        {
            var code = UsingOrNamespaceLine().Replace(text, "");
            var used = UsingLine().Matches(text).Concat(QualifiedReference().Matches(code)).Select(m => Node(m.Groups[1].Value))
                .Concat(Parents(from));
            foreach (var to in used.Where(nodes.Contains).Where(to => to != from))
            {
                if (!graph[from].TryGetValue(to, out var where))
                    graph[from][to] = where = [];
                where.Add(path);
            }
        }
        return graph;
    }

    /// <summary>The node a namespace belongs to: its feature, or one of the layers Deliveries and Notifications are split into.</summary>
    private static string Node(string name)
    {
        var relative = name == "RewardPortal.Core" ? "" : name["RewardPortal.Core.".Length..];
        return Layers.FirstOrDefault(l => relative == l || relative.StartsWith(l + ".", StringComparison.Ordinal))
            ?? relative.Split('.')[0];
    }

    private static IEnumerable<string> Parents(string node) =>
        Enumerable.Range(1, node.Count(c => c == '.')).Select(i => string.Join('.', node.Split('.')[..i]));

    /// <summary>One cycle, as the namespaces along it, or none.</summary>
    private static List<string> Cycle(Dictionary<string, List<string>> graph)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        foreach (var start in graph.Keys.Order())
        {
            if (Visit(start) is { } cycle)
                return cycle;
        }
        return [];

        List<string>? Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2)
                return null;
            if (state.GetValueOrDefault(node) == 1)
                return [.. path[path.IndexOf(node)..], node];
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order())
            {
                if (Visit(next) is { } cycle)
                    return cycle;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    private static bool IsUnder(string core, string file, string folder) =>
        Path.GetRelativePath(core, file).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || Path.GetRelativePath(core, file).Contains(Path.DirectorySeparatorChar + folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string CoreDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var core = Path.Combine(directory.FullName, "RewardPortal.Core");
            if (File.Exists(Path.Combine(core, "RewardPortal.Core.csproj")))
                return core;
        }
        throw new DirectoryNotFoundException("RewardPortal.Core is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^namespace\s+(RewardPortal\.Core(?:\.[\w.]+)?)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using\s+(?:static\s+)?(?:\w+\s*=\s*)?(RewardPortal\.Core\.[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"^\s*(?:using|namespace)\s.*$", RegexOptions.Multiline)]
    private static partial Regex UsingOrNamespaceLine();

    [GeneratedRegex(@"(?<![\w.])(RewardPortal\.Core\.\w+(?:\.\w+)*)\.\w", RegexOptions.Multiline)]
    private static partial Regex QualifiedReference();
}
