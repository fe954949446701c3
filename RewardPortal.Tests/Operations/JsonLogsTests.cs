using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Operations;

[Collection(HostedAppCollection.Name)]
public sealed class JsonLogsTests
{
    [Fact]
    public async Task JsonConsoleLogsCarryScopesAndUtcTimestamps()
    {
        await using var factory = new PortalFactory(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json", ["Node:Role"] = "Web" });

        var options = factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.True(options.IncludeScopes);
        Assert.True(options.UseUtcTimestamp);
        Assert.Equal(ConsoleFormatterNames.Json, factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }
}
