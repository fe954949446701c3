using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RewardPortal.Core.Common;

namespace RewardPortal.Web.Api;

/// <summary>
/// Turns rule violations and unreadable requests on /api into RFC 7807 problem details that name the field at fault;
/// elsewhere, an unreadable form post into a plain 400.
/// </summary>
internal sealed class ApiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // By now the middleware has rewritten the path to the error page's; the feature keeps the original.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? context.Request.Path;
        if (!path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            return await HandleBadFormAsync(context, exception);

        var problem = exception switch
        {
            PortalException e => FromPortalException(e),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problem(413, "Request body too large", "The request body is larger than this route accepts."),
            BadHttpRequestException { InnerException: JsonException json } => Invalid(FieldOf(json.Path), json.Message.Split(" Path:")[0]),
            BadHttpRequestException e => Problem(400, "Bad request", e.Message),
            _ => null,
        };
        if (problem is null)
            return false;

        context.Response.StatusCode = problem.Status!.Value;
        await TypedResults.Problem(problem).ExecuteAsync(context);
        return true;
    }

    /// <summary>A form post that fails to bind (a missing antiforgery token, say) is the browser's fault: 400, not the error page.</summary>
    private static async ValueTask<bool> HandleBadFormAsync(HttpContext context, Exception exception)
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        context.Response.StatusCode = bad.StatusCode;
        await context.Response.WriteAsync("The form could not be read. Reload the page and try again.");
        return true;
    }

    internal static ProblemDetails FromPortalException(PortalException e) => e.Kind switch
    {
        PortalErrorKind.NotFound => Problem(404, "Not found", e.Message),
        PortalErrorKind.Conflict => Problem(409, "Conflict", e.Message, e.Code),
        _ => e.Errors.Count == 0 ? Problem(422, "Unprocessable request", e.Message, e.Code) : Invalid(e.Errors, e.Message, e.Code),
    };

    internal static ProblemDetails Invalid(string field, string message, string? code = null) =>
        Invalid(new Dictionary<string, string> { [field] = message }, message, code);

    private static ProblemDetails Invalid(IReadOnlyDictionary<string, string> errors, string message, string? code)
    {
        var problem = new ValidationProblemDetails(errors.Where(e => e.Key.Length > 0).ToDictionary(e => e.Key, e => new[] { e.Value }))
        {
            Status = 422,
            Title = "One or more fields are invalid",
            Detail = message,
        };
        if (code is not null)
            problem.Extensions["code"] = code;
        return problem;
    }

    private static ProblemDetails Problem(int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null)
            problem.Extensions["code"] = code;
        return problem;
    }

    /// <summary>"$.cashMinor" becomes "cashMinor"; the body as a whole is "body".</summary>
    private static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "body" : jsonPath.TrimStart('$', '.');
}
