using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace RewardPortal.Core.Rewards;

/// <summary>Reads voucher codes from what an admin pastes (one per line) or uploads (a CSV whose first column is the code).</summary>
public static class VoucherCodeInput
{
    /// <summary>One code per line. The line break after the last code is not a blank line.</summary>
    public static IEnumerable<string> FromText(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.TrimEnd('\r', '\n').Split('\n').Select(line => line.TrimEnd('\r'));

    /// <summary>The first column of every row; a first row that reads "code" is a header and is skipped. Blank rows count as blanks.</summary>
    public static async Task<List<string>> FromCsvAsync(Stream csv, CancellationToken cancellationToken = default)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            IgnoreBlankLines = false,
            DetectDelimiter = true,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        using var reader = new StreamReader(csv, leaveOpen: true);
        using var parser = new CsvParser(reader, config);
        var codes = new List<string>();
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = parser.Count > 0 ? parser[0] : "";
            if (codes.Count == 0 && parser.Row == 1 && IsHeader(first))
                continue;
            codes.Add(first ?? "");
            if (codes.Count > VoucherPoolService.MaxCodesPerImport)
                break; // the import names the limit
        }
        return codes;
    }

    private static bool IsHeader(string? cell) =>
        cell?.Trim().ToLowerInvariant() is "code" or "codes" or "voucher code" or "voucher_code" or "vouchercode";
}
