using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Web.Api;

internal static partial class RedemptionsApi
{
    public static void MapRedemptionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/redemptions").WithTags("Redemptions").RequireAuthorization(ApiPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListRedemptions")
            .WithDescription("Pages through redemptions, oldest first. Pass nextCursor back as 'after'. Each item has the shape of a redemption webhook's data.");
        group.MapGet("/{id:long}", GetAsync).WithName("GetRedemption");
        MapCommands(group);
    }

    static partial void MapCommands(RouteGroupBuilder group);

    public static async Task<Ok<Page<RedemptionEventData>>> ListAsync(
        IDbContextFactory<RewardPortalDbContext> dbFactory, string? status, string? rewardType, string? after, int? limit, CancellationToken cancellationToken)
    {
        var afterId = Cursor.Decode(after);
        var take = Cursor.Limit(limit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Redemptions.AsNoTracking().Include(r => r.Participant).Where(r => r.Id > afterId);
        if (status is not null)
        {
            var wanted = ParseEnum<RedemptionStatus>(status, "status");
            query = query.Where(r => r.Status == wanted);
        }
        if (rewardType is not null)
        {
            var wanted = ParseEnum<RewardType>(rewardType, "rewardType");
            query = query.Where(r => r.RewardType == wanted);
        }
        var rows = await query.OrderBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => r.Id, r => RedemptionEventData.Of(r, r.Participant!)));
    }

    public static async Task<Ok<RedemptionEventData>> GetAsync(long id, IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var redemption = await db.Redemptions.AsNoTracking().Include(r => r.Participant).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw PortalException.NotFound("The redemption");
        return TypedResults.Ok(RedemptionEventData.Of(redemption, redemption.Participant!));
    }

    /// <summary>Accepts the snake_case names the API writes ("voucher_code"), case-insensitively.</summary>
    internal static TEnum ParseEnum<TEnum>(string value, string field) where TEnum : struct, Enum
    {
        if (Enum.TryParse<TEnum>(value.Replace("_", ""), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
            return parsed;
        var allowed = string.Join(", ", Enum.GetNames<TEnum>().Select(n => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(n)));
        throw PortalException.Invalid($"'{value}' is not one of: {allowed}.", field);
    }
}
