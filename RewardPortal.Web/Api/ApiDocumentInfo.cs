using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RewardPortal.Web.Api;

/// <summary>The document's title and description as integrators see them in generated clients and the reference page.</summary>
internal static class ApiDocumentInfo
{
    public static OpenApiOptions AddApiDocumentInfo(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Info = new OpenApiInfo
        {
            Title = "RewardPortal API",
            Version = "v1",
            Description = "Participants, rewards, redemptions and campaigns of a RewardPortal program. Send an API key as "
                + "`Authorization: Bearer <key>`. The `webhooks` section describes every event the program's webhooks receive.",
        };
        return Task.CompletedTask;
    });
}
