using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

/// <summary>
/// The redemption queue as CSV: for API keys under /api/v1, and for signed-in staff at the address the queue's
/// Export button links to. Both take the queue's filters and stream the rows as they are read.
/// </summary>
internal static class RedemptionExportEndpoints
{
    public const string BrowserPath = "/admin/redemptions/export.csv";

    public static void MapRedemptionExportApi(this RouteGroupBuilder api) =>
        api.MapGet("/redemptions/export", Export).WithName("ExportRedemptions").WithTags("Redemptions")
            .RequireAuthorization(ApiPolicies.Staff)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .WithDescription(
                "The redemptions matching the filters as CSV (text/csv), streamed: participant, address, custom fields, reward, metadata, status, message. "
                    + "'from' and 'to' are ISO 8601 instants (to is exclusive); campaignId keeps the redemptions of rewards limited to that campaign; "
                    + "order is oldest (default) or newest. Cells that would start a spreadsheet formula begin with an apostrophe.");

    public static void MapRedemptionExportDownload(this IEndpointRouteBuilder app) =>
        app.MapGet(BrowserPath, Export).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

    /// <summary>The link the queue's Export button follows for its current filter.</summary>
    public static string BrowserLink(RedemptionFilter filter)
    {
        var query = new List<string>();
        if (filter.Status is { } status)
            query.Add($"status={status.ToString().ToLowerInvariant()}");
        if (filter.RewardType is { } type)
            query.Add($"rewardType={System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString())}");
        if (filter.From is { } from)
            query.Add($"from={Uri.EscapeDataString(Instant(from))}");
        if (filter.To is { } to)
            query.Add($"to={Uri.EscapeDataString(Instant(to))}");
        if (filter.CampaignId is { } campaignId)
            query.Add($"{CampaignQuery.Field}={campaignId}");
        query.Add(filter.OldestFirst ? "order=oldest" : "order=newest");
        return $"{BrowserPath}?{string.Join('&', query)}";
    }

    public static async Task<IResult> Export(string? status, string? rewardType, string? from, string? to, string? order, string? campaignId,
        RedemptionCsvExport export, IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock, CancellationToken cancellationToken)
    {
        // Everything is checked before the first byte goes out: after that, a problem can only cut the download short.
        var filter = new RedemptionFilter(
            status is null ? null : RedemptionsApi.ParseEnum<RedemptionStatus>(status, "status"),
            rewardType is null ? null : RedemptionsApi.ParseEnum<RewardType>(rewardType, "rewardType"),
            ParseInstant(from, "from"), ParseInstant(to, "to"), OldestFirst(order), await CampaignQuery.ParseAsync(campaignId, dbFactory, cancellationToken));
        if (filter.From > filter.To)
            throw PortalException.Invalid("'to' must be after 'from'.", "to");
        return TypedResults.Stream(async body =>
        {
            // The byte order mark is what tells Excel the file is UTF-8.
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024);
            await export.WriteAsync(filter, writer);
        }, "text/csv; charset=utf-8", RedemptionCsvExport.FileName(clock.GetUtcNow().UtcDateTime));
    }

    private static bool OldestFirst(string? order) => order?.ToLowerInvariant() switch
    {
        null or "oldest" => true,
        "newest" => false,
        _ => throw PortalException.Invalid($"'{order}' is not one of: oldest, newest.", "order"),
    };

    private static DateTime? ParseInstant(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed.UtcDateTime;
        throw PortalException.Invalid($"'{value}' is not an ISO 8601 date or time, such as 2026-12-01 or 2026-12-01T09:30:00Z.", field);
    }

    private static string Instant(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
