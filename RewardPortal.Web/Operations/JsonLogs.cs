using Microsoft.Extensions.Logging.Console;

namespace RewardPortal.Web.Operations;

internal static class JsonLogs
{
    /// <summary>
    /// <c>Logging:Console:FormatterName=json</c> writes one JSON object a line, for a log shipper. Such logs carry their
    /// scopes (the request, its trace and span) and UTC timestamps unless the formatter's own options say otherwise.
    /// </summary>
    public static void AddRewardPortalLogging(this WebApplicationBuilder builder)
    {
        if (!string.Equals(builder.Configuration["Logging:Console:FormatterName"], ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
            return;
        var options = builder.Configuration.GetSection("Logging:Console:FormatterOptions");
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = options.GetValue("IncludeScopes", true);
            o.UseUtcTimestamp = options.GetValue("UseUtcTimestamp", true);
            o.TimestampFormat = options["TimestampFormat"] ?? "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }
}
