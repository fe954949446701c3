using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using RewardPortal.Core.Events;

namespace RewardPortal.Web.Api;

/// <summary>
/// Describes every event of <see cref="EventCatalog"/> under the OpenAPI 3.1 <c>webhooks</c>, with the schema the event
/// catalog page shows, so integrators generate the payloads' types from the same document as the API's.
/// </summary>
internal static class WebhookDescriptions
{
    public static OpenApiOptions AddWebhookDescriptions(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        foreach (var definition in EventCatalog.All)
            document.Webhooks[definition.Type] = PathItem(definition, document);
        return Task.CompletedTask;
    });

    private static OpenApiPathItem PathItem(EventDefinition definition, OpenApiDocument document)
    {
        var schemaJson = definition.Schema();
        schemaJson.Remove("$schema");
        var schema = OpenApiModelFactory.Parse<OpenApiSchema>(schemaJson.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out var diagnostic, "json")
            ?? throw new InvalidOperationException(
                $"The schema of {definition.Type} does not read as OpenAPI: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Post] = new()
                {
                    OperationId = $"webhook-{definition.Type}",
                    Summary = definition.WebhookName,
                    Description = $"{definition.Cause} Signed as Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers.",
                    RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                    },
                    Responses = new OpenApiResponses
                    {
                        ["2XX"] = new OpenApiResponse { Description = "Any 2xx within the timeout acknowledges the delivery; anything else is retried." },
                    },
                },
            },
        };
    }
}
