using RewardPortal.Build;

namespace RewardPortal.Tests.Build;

/// <summary>The rules Directory.Build.targets enforces on every build, run on sample texts.</summary>
public sealed class SourceStyleTests
{
    private const string Sorted = """
        using System.Net;
        using System.Text.Json;
        using Microsoft.EntityFrameworkCore;
        using MudBlazor;
        using RewardPortal.Core.Data;
        using static RewardPortal.Core.Identity.Roles;
        using QueuePage = RewardPortal.Web.Components.Pages.Admin.Redemptions;

        namespace Sample;

        public sealed class Sample;
        """;

    [Fact]
    public void SortedUsingsAndShortLinesPass() => Assert.Empty(SourceStyleRules.Check(Sorted, checkUsings: true));

    [Fact]
    public void ALineOverTheLimitIsReportedWithItsNumber()
    {
        var text = "namespace Sample;\n\n// " + new string('x', SourceStyleRules.MaxLineLength - 2) + "\n";

        var violation = Assert.Single(SourceStyleRules.Check(text, checkUsings: false));

        Assert.Equal(3, violation.Line);
        Assert.Contains("161 characters", violation.Message);
    }

    [Fact]
    public void ALineAtTheLimitPasses() =>
        Assert.Empty(SourceStyleRules.Check("// " + new string('x', SourceStyleRules.MaxLineLength - 3), checkUsings: false));

    [Fact]
    public void SystemAfterAnotherNamespaceIsReported()
    {
        var text = "using Microsoft.EntityFrameworkCore;\nusing System.Net;\n\nnamespace Sample;\n";

        var violation = Assert.Single(SourceStyleRules.Check(text, checkUsings: true));

        Assert.Equal(2, violation.Line);
        Assert.Contains("'using System.Net;' goes before 'using Microsoft.EntityFrameworkCore;'", violation.Message);
    }

    [Fact]
    public void NamespacesOutOfAlphabeticalOrderAreReported()
    {
        var text = "using RewardPortal.Core.Data;\nusing MudBlazor;\n";

        Assert.Equal(2, Assert.Single(SourceStyleRules.Check(text, checkUsings: true)).Line);
    }

    [Fact]
    public void ABlankLineBetweenUsingsIsReported()
    {
        var text = "using System.Net;\n\nusing MudBlazor;\n\nnamespace Sample;\n";

        Assert.Equal(2, Assert.Single(SourceStyleRules.Check(text, checkUsings: true)).Line);
    }

    [Fact]
    public void UsingOrderIsNotCheckedWhereExempt() =>
        Assert.Empty(SourceStyleRules.Check("using MudBlazor;\nusing System.Net;\n", checkUsings: false));

    [Fact]
    public void UsingStatementsInCodeAreNotDirectives()
    {
        var text = "using System.Net;\n\nusing var scope = services.CreateScope();\nusing Alpha;\n";

        Assert.Empty(SourceStyleRules.Check(text, checkUsings: true));
    }

    [Fact]
    public void SortingPutsTheDirectivesInTheCheckedOrder()
    {
        var text = """
            // A leading comment stays.
            using QueuePage = RewardPortal.Web.Components.Pages.Admin.Redemptions;
            using RewardPortal.Core.Data;
            using static RewardPortal.Core.Identity.Roles;
            using MudBlazor;

            using System.Text.Json;
            using Microsoft.EntityFrameworkCore;
            using System.Net;

            namespace Sample;

            public sealed class Sample;
            """;

        var sorted = SourceStyleRules.SortUsings(text);

        Assert.Equal("// A leading comment stays.\n" + Sorted, sorted);
        Assert.Empty(SourceStyleRules.Check(sorted, checkUsings: true));
    }

    [Fact]
    public void SortingLeavesSortedTextAsItIs() => Assert.Same(Sorted, SourceStyleRules.SortUsings(Sorted));

    [Fact]
    public void SortingKeepsWindowsLineEndings()
    {
        var text = "using MudBlazor;\r\nusing System.Net;\r\n\r\nnamespace Sample;\r\n";

        Assert.Equal("using System.Net;\r\nusing MudBlazor;\r\n\r\nnamespace Sample;\r\n", SourceStyleRules.SortUsings(text));
    }
}
