// The style rules Roslyn's analyzers leave out: line length (no analyzer has one) and the order of using directives
// (IDE0055 reads dotnet_sort_system_directives_first but reports nothing, dotnet/roslyn#57644).
// Compiled three times, the last two with SOURCE_STYLE_RULES_ONLY defined: by MSBuild's RoslynCodeTaskFactory as the
// SortUsingDirectives task (`dotnet build -p:SortUsings=true`, Directory.Build.targets), into the analyzer that reports
// violations in every build (RewardPortal.StyleAnalyzers), and into RewardPortal.Tests, which runs the rules on samples.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
#if !SOURCE_STYLE_RULES_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace RewardPortal.Build;

public enum StyleRule { LineLength, UsingOrder }

// Plain classes, not records: the task is compiled against netstandard, which has no IsExternalInit.
public sealed class StyleViolation(int line, StyleRule rule, string message)
{
    public int Line { get; } = line;

    public StyleRule Rule { get; } = rule;

    public string Message { get; } = message;

    public override string ToString() => $"{Line}: {Message}";
}

public static class SourceStyleRules
{
    public const int MaxLineLength = 160;

    public const string SortUsingsCommand = "dotnet build -p:SortUsings=true";

    private static readonly Regex UsingDirective = new(
        @"^(?<global>global\s+)?using\s+(?<static>static\s+)?(?:(?<alias>[A-Za-z_]\w*)\s*=\s*)?(?<name>[A-Za-z_][\w.<>, ]*?)\s*;\s*$",
        RegexOptions.CultureInvariant);

    public static IReadOnlyList<StyleViolation> Check(string text, bool checkUsings)
    {
        var violations = new List<StyleViolation>();
        var lines = SplitLines(text);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length > MaxLineLength)
            {
                violations.Add(new StyleViolation(i + 1, StyleRule.LineLength,
                    $"line is {lines[i].Length} characters long, more than {MaxLineLength}: break it "
                    + "(a parameter list after its parenthesis, a long expression before an operator, a tag between attributes)"));
            }
        }
        if (checkUsings)
        {
            var usingViolation = CheckUsings(lines);
            if (usingViolation is not null)
            {
                violations.Add(usingViolation);
            }
        }
        return violations;
    }

    /// <summary>The text with its leading using directives in the one order the check accepts; the same text when nothing moves.</summary>
    public static string SortUsings(string text)
    {
        var lines = SplitLines(text);
        var block = FindUsingBlock(lines);
        if (block is null)
        {
            return text;
        }
        var (first, last) = block.Value;
        var directives = lines.Skip(first).Take(last - first + 1).Where(line => line.Trim().Length > 0).Select(line => line.Trim()).ToList();
        var sorted = directives.OrderBy(Parse, DirectiveComparer.Instance).ToList();
        if (sorted.SequenceEqual(directives) && directives.Count == last - first + 1)
        {
            return text;
        }
        var newLine = text.Contains("\r\n") ? "\r\n" : "\n";
        var result = lines.Take(first).Concat(sorted).Concat(lines.Skip(last + 1));
        return string.Join(newLine, result);
    }

    private static StyleViolation? CheckUsings(IReadOnlyList<string> lines)
    {
        var block = FindUsingBlock(lines);
        if (block is null)
        {
            return null;
        }
        var (first, last) = block.Value;
        Directive? previous = null;
        for (var i = first; i <= last; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                return new StyleViolation(i + 1, StyleRule.UsingOrder,
                    $"using directives are one group, without blank lines between them (run '{SortUsingsCommand}' to sort them)");
            }
            var current = Parse(lines[i].Trim());
            if (previous is not null && DirectiveComparer.Instance.Compare(previous, current) > 0)
            {
                return new StyleViolation(i + 1, StyleRule.UsingOrder,
                    $"using directives are not sorted (System.* first, then alphabetical): '{current.Text}' goes before '{previous.Text}' " +
                    $"(run '{SortUsingsCommand}' to sort them)");
            }
            previous = current;
        }
        return null;
    }

    // The directives at the top of the file, after any leading comments (and #nullable), up to the first line that is neither a directive nor
    // blank; a block interrupted by a comment or #if is checked up to there only.
    private static (int First, int Last)? FindUsingBlock(IReadOnlyList<string> lines)
    {
        var i = 0;
        while (i < lines.Count && (lines[i].Trim().Length == 0 || lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)
            || lines[i].StartsWith("#nullable", StringComparison.Ordinal)))
        {
            i++;
        }
        int? first = null, last = null;
        for (; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (UsingDirective.IsMatch(line))
            {
                first ??= i;
                last = i;
            }
            else if (line.Length > 0)
            {
                break;
            }
        }
        return first is null ? null : (first.Value, last!.Value);
    }

    private static List<string> SplitLines(string text) =>
        text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();

    private static Directive Parse(string line)
    {
        var match = UsingDirective.Match(line);
        var kind = match.Groups["alias"].Success ? DirectiveKind.Alias
            : match.Groups["static"].Success ? DirectiveKind.Static
            : DirectiveKind.Namespace;
        var name = kind == DirectiveKind.Alias ? match.Groups["alias"].Value : match.Groups["name"].Value;
        return new Directive(line, match.Groups["global"].Success, kind, name);
    }

    private enum DirectiveKind { Namespace, Static, Alias }

    private sealed class Directive(string text, bool global, DirectiveKind kind, string name)
    {
        public string Text { get; } = text;

        public bool Global { get; } = global;

        public DirectiveKind Kind { get; } = kind;

        public string Name { get; } = name;

        public bool IsSystem => Kind != DirectiveKind.Alias && (Name == "System" || Name.StartsWith("System.", StringComparison.Ordinal));
    }

    // The order Visual Studio's and Rider's "sort usings" produce with dotnet_sort_system_directives_first: global before local,
    // namespaces, then using static, then aliases; System.* first in each; then name by name, ignoring case first.
    private sealed class DirectiveComparer : IComparer<Directive>
    {
        public static readonly DirectiveComparer Instance = new();

        public int Compare(Directive? x, Directive? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }
            var byScope = y.Global.CompareTo(x.Global);
            if (byScope != 0)
            {
                return byScope;
            }
            var byKind = x.Kind.CompareTo(y.Kind);
            if (byKind != 0)
            {
                return byKind;
            }
            var bySystem = y.IsSystem.CompareTo(x.IsSystem);
            if (bySystem != 0)
            {
                return bySystem;
            }
            var xParts = x.Name.Split('.');
            var yParts = y.Name.Split('.');
            for (var i = 0; i < Math.Min(xParts.Length, yParts.Length); i++)
            {
                var byPart = string.Compare(xParts[i], yParts[i], StringComparison.OrdinalIgnoreCase);
                if (byPart == 0)
                {
                    byPart = string.CompareOrdinal(xParts[i], yParts[i]);
                }
                if (byPart != 0)
                {
                    return byPart;
                }
            }
            return xParts.Length.CompareTo(yParts.Length);
        }
    }
}

#if !SOURCE_STYLE_RULES_ONLY
/// <summary>Rewrites the using directives of the files in the order the analyzer checks.</summary>
public sealed class SortUsingDirectives : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>Files whose using directives are left as they are.</summary>
    public ITaskItem[] Exempt { get; set; } = [];

    public override bool Execute()
    {
        var exempt = new HashSet<string>(Exempt.Select(item => item.GetMetadata("FullPath")), StringComparer.Ordinal);
        foreach (var file in Files)
        {
            var path = file.GetMetadata("FullPath");
            if (!path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || exempt.Contains(path))
                continue;
            var bytes = File.ReadAllBytes(path);
            var hasBom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
            var text = Encoding.UTF8.GetString(bytes, hasBom ? 3 : 0, bytes.Length - (hasBom ? 3 : 0));
            var sorted = SourceStyleRules.SortUsings(text);
            if (!ReferenceEquals(sorted, text))
            {
                File.WriteAllText(path, sorted, new UTF8Encoding(encoderShouldEmitUTF8Identifier: hasBom));
                Log.LogMessage(MessageImportance.High, $"Sorted the using directives of {path}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
