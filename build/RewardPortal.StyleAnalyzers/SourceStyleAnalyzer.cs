using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using RewardPortal.Build;

namespace RewardPortal.StyleAnalyzers;

/// <summary>
/// Line length in .cs and .razor files, and the order of using directives in .cs files, as errors with file and line.
/// Generated code (the migrations, Razor's output) is skipped; .razor files arrive as the additional files Razor compiles.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SourceStyleAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor LineTooLong = new(
        "STYLE001", "Line too long", "{0}", "Style", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UsingsNotSorted = new(
        "STYLE002", "Using directives not sorted", "{0}", "Style", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(LineTooLong, UsingsNotSorted);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(tree =>
        {
            var text = tree.Tree.GetText(tree.CancellationToken);
            // In the tree, so that .editorconfig severities (STYLE002 off in a folder) apply.
            Report(text, span => Location.Create(tree.Tree, span), checkUsings: true, tree.ReportDiagnostic);
        });
        context.RegisterAdditionalFileAction(file =>
        {
            var path = file.AdditionalFile.Path;
            if (!path.EndsWith(".razor", System.StringComparison.OrdinalIgnoreCase) || file.AdditionalFile.GetText(file.CancellationToken) is not { } text)
                return;
            Report(text, span => Location.Create(path, span, text.Lines.GetLinePositionSpan(span)), checkUsings: false, file.ReportDiagnostic);
        });
    }

    private static void Report(SourceText text, System.Func<TextSpan, Location> locate, bool checkUsings, System.Action<Diagnostic> report)
    {
        foreach (var violation in SourceStyleRules.Check(text.ToString(), checkUsings))
        {
            var descriptor = violation.Rule == StyleRule.LineLength ? LineTooLong : UsingsNotSorted;
            report(Diagnostic.Create(descriptor, locate(text.Lines[violation.Line - 1].Span), violation.Message));
        }
    }
}
