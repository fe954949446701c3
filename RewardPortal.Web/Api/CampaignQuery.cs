using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Web.Api;

/// <summary>The campaignId filter of a query string, checked: a filter on a campaign that does not exist is a mistake, not an empty page.</summary>
internal static class CampaignQuery
{
    public const string Field = "campaignId";

    public static async Task<long?> ParseAsync(string? value, IDbContextFactory<RewardPortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken))
                return id;
        }
        throw PortalException.Invalid($"'{value}' is not the id of a campaign of this program.", Field);
    }
}
