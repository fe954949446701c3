using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>Validates JSON against a JSON Schema (draft 2020-12, formats checked) and lists what fails, for assertion messages.</summary>
public static class SchemaCheck
{
    public static IReadOnlyList<string> Errors(JsonNode schema, string json)
    {
        var built = JsonSchema.FromText(schema.ToJsonString(), baseUri: new Uri($"https://schemas.test/{Guid.NewGuid():N}"));
        using var document = JsonDocument.Parse(json);
        var result = built.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }
}
