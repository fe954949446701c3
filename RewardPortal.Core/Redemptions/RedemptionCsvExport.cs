using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Redemptions;

/// <summary>
/// Writes the redemptions a filter matches as CSV, one row at a time as the database yields it, so an export of any size
/// holds a single row in memory. Custom fields and metadata get a column per key; a first pass over those two columns alone
/// finds the keys. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
/// </summary>
public sealed class RedemptionCsvExport(IDbContextFactory<RewardPortalDbContext> dbFactory, IOptions<ProgramOptions> program)
{
    /// <summary>Rows written between flushes: the client sees data early, and a slow one holds back the query, not memory.</summary>
    private const int FlushEvery = 500;

    private static readonly string[] FixedColumns =
    [
        "Redemption", "Status", "Requested at", "Decided at", "Decided by", "Message", "Voucher code",
        "Participant id", "Participant", "Email", "Address line 1", "Address line 2", "City", "Region", "Postal code", "Country",
    ];

    private static readonly string[] RewardColumns = ["Reward id", "Reward", "Reward type", "Cost", "Cost unit"];

    public static string FileName(DateTime now) => $"redemptions-{now:yyyyMMdd-HHmm}.csv";

    public async Task WriteAsync(RedemptionFilter filter, TextWriter output, CancellationToken cancellationToken = default)
    {
        var (customKeys, metadataKeys) = await KeysAsync(filter, cancellationToken);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };
        await using var csv = new CsvWriter(output, config, leaveOpen: true);
        foreach (var column in FixedColumns.Concat(customKeys.Select(k => $"Custom: {k}")).Concat(RewardColumns)
            .Concat(metadataKeys.Select(k => $"Metadata: {k}")))
            csv.WriteField(column);
        await csv.NextRecordAsync();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = db.Redemptions.AsNoTracking().Matching(filter, db).InOrder(filter).Include(r => r.Participant).AsAsyncEnumerable();
        var written = 0;
        await foreach (var redemption in rows.WithCancellation(cancellationToken))
        {
            WriteRow(csv, redemption, customKeys, metadataKeys);
            await csv.NextRecordAsync();
            if (++written % FlushEvery == 0)
                await csv.FlushAsync();
        }
        await csv.FlushAsync();
    }

    private async Task<(List<string> Custom, List<string> Metadata)> KeysAsync(RedemptionFilter filter, CancellationToken cancellationToken)
    {
        var custom = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var metadata = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var keys = db.Redemptions.AsNoTracking().Matching(filter, db).Select(r => new { r.Participant!.CustomFields, r.Reward }).AsAsyncEnumerable();
        await foreach (var row in keys.WithCancellation(cancellationToken))
        {
            custom.UnionWith(row.CustomFields.Keys);
            metadata.UnionWith(row.Reward.Metadata.Keys);
        }
        return ([.. custom], [.. metadata]);
    }

    private void WriteRow(CsvWriter csv, Redemption redemption, List<string> customKeys, List<string> metadataKeys)
    {
        var participant = redemption.Participant!;
        var address = participant.Address;
        csv.WriteField(redemption.Id);
        csv.WriteField(redemption.Status.ToString());
        csv.WriteField(Timestamp(redemption.CreatedAt));
        csv.WriteField(redemption.DecidedAt is { } decided ? Timestamp(decided) : "");
        csv.WriteField(redemption.DecidedBy);
        csv.WriteField(redemption.Message);
        csv.WriteField(redemption.VoucherCode);
        csv.WriteField(participant.Id);
        csv.WriteField(participant.Name);
        csv.WriteField(participant.Email);
        foreach (var part in new[] { address.Line1, address.Line2, address.City, address.Region, address.PostalCode, address.Country })
            csv.WriteField(part);
        foreach (var key in customKeys)
            csv.WriteField(Lookup(participant.CustomFields, key));
        csv.WriteField(redemption.RewardId);
        csv.WriteField(redemption.Reward.Name);
        csv.WriteField(redemption.Reward.Type.ToString());
        csv.WriteField(redemption.CostCurrency == Currency.Points
            ? redemption.Cost.ToString(CultureInfo.InvariantCulture)
            : Amounts.MinorToCash(redemption.Cost).ToString("0.00", CultureInfo.InvariantCulture));
        csv.WriteField(redemption.CostCurrency == Currency.Points ? "points" : program.Value.CashCurrency);
        foreach (var key in metadataKeys)
            csv.WriteField(Lookup(redemption.Reward.Metadata, key));
    }

    private static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Keys are matched as the column was named, whatever case a participant's own key used.</summary>
    private static string? Lookup(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) ? value : values.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;
}
