using System.Text.Json;
using System.Text.Json.Serialization;

namespace RewardPortal.Core.Events;

/// <summary>The one JSON shape of the outside contracts (webhooks and the REST API): camelCase fields, snake_case enum values.</summary>
public static class PortalJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
