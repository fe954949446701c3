using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Participants;

/// <summary>
/// The campaigns an import's campaigns column names: campaign names separated by semicolons, matched ignoring case.
/// A cell that is one campaign's whole name is that campaign even if the name holds a semicolon.
/// </summary>
internal sealed class ImportCampaigns
{
    public const char Separator = ';';
    private readonly List<Campaign> all;

    private ImportCampaigns(List<Campaign> campaigns) => all = campaigns;

    public static async Task<ImportCampaigns> LoadAsync(RewardPortalDbContext db, CancellationToken cancellationToken) =>
        new(await db.Campaigns.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken));

    /// <summary>The campaigns a cell names, or a refusal naming the first name that is no campaign's.</summary>
    public IReadOnlyList<Campaign> Parse(string? cell)
    {
        if (string.IsNullOrWhiteSpace(cell))
            return [];
        if (Find(cell.Trim()) is { } whole)
            return [whole];
        var campaigns = new List<Campaign>();
        foreach (var name in cell.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var campaign = Find(name) ?? throw PortalException.Invalid(
                $"There is no campaign called '{name}': create it first, or correct the name.", ParticipantCsv.Campaigns);
            if (!campaigns.Contains(campaign))
                campaigns.Add(campaign);
        }
        return campaigns;
    }

    // An exact match wins over one that differs only in case, since two campaigns may differ only so.
    private Campaign? Find(string name) =>
        all.FirstOrDefault(c => c.Name == name) ?? all.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
