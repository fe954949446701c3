using System.Text.Json;
using System.Text.Json.Serialization;

namespace RewardPortal.Core.Events;

/// <summary>The one JSON shape of the outside contracts (webhooks and the REST API): camelCase fields, snake_case enum values.</summary>
public static class PortalJson
{
    /// <summary>
    /// Read-only from the start, with its resolver in place: the JSON Schema exporter (the event catalog, the OpenAPI
    /// webhooks) refuses options that no serialisation has used yet, which a fresh process's first request can meet.
    /// </summary>
    public static readonly JsonSerializerOptions Options = ReadOnly(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
