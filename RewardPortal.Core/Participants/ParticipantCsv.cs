using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using RewardPortal.Core.Common;

namespace RewardPortal.Core.Participants;

/// <summary>One data row of a participants CSV, cells by column, before any rule is applied.</summary>
internal sealed record ParticipantCsvRow(int Row, IReadOnlyDictionary<string, string> Cells, IReadOnlyDictionary<string, string> CustomFields);

/// <summary>
/// Reads a participants CSV: name and email are required columns; points, cash and the address parts are optional;
/// campaigns names the campaigns a participant joins (see <see cref="ImportCampaigns"/>); any other column is a custom field
/// named by its header. Header names ignore case, spaces and punctuation.
/// </summary>
internal static class ParticipantCsv
{
    public const string Name = "name", Email = "email", Points = "points", Cash = "cash",
        Line1 = "line1", Line2 = "line2", City = "city", Region = "region", PostalCode = "postalcode", Country = "country",
        Campaigns = "campaigns";

    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["name"] = Name, ["fullname"] = Name,
        ["email"] = Email, ["emailaddress"] = Email,
        ["points"] = Points, ["pointsbalance"] = Points,
        ["cash"] = Cash, ["cashbalance"] = Cash,
        ["line1"] = Line1, ["address"] = Line1, ["address1"] = Line1, ["addressline1"] = Line1, ["street"] = Line1,
        ["line2"] = Line2, ["address2"] = Line2, ["addressline2"] = Line2,
        ["city"] = City, ["town"] = City,
        ["region"] = Region, ["state"] = Region, ["province"] = Region, ["county"] = Region,
        ["postalcode"] = PostalCode, ["postcode"] = PostalCode, ["zip"] = PostalCode, ["zipcode"] = PostalCode,
        ["country"] = Country,
        ["campaigns"] = Campaigns, ["campaign"] = Campaigns,
    };

    public static async Task<List<ParticipantCsvRow>> ReadAsync(Stream csv, int maxRows, CancellationToken cancellationToken)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            BadDataFound = null,
            MissingFieldFound = null,
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new StreamReader(csv, leaveOpen: true);
        using var parser = new CsvParser(reader, config);
        if (!await parser.ReadAsync())
            throw PortalException.Invalid("The file is empty.", "file");
        var columns = Columns(parser.Record ?? []);

        var rows = new List<ParticipantCsvRow>();
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = parser.Record ?? [];
            if (record.All(string.IsNullOrWhiteSpace))
                continue;
            if (rows.Count == maxRows)
                throw PortalException.Invalid($"Import at most {maxRows:N0} rows at a time.", "file");
            var cells = new Dictionary<string, string>();
            var custom = new Dictionary<string, string>();
            foreach (var (index, column) in columns)
            {
                var value = index < record.Length ? record[index].Trim() : "";
                if (column.Known)
                    cells[column.Key] = value;
                else if (value.Length > 0)
                    custom[column.Key] = value;
            }
            rows.Add(new ParticipantCsvRow(parser.Row, cells, custom));
        }
        return rows;
    }

    private static Dictionary<int, (string Key, bool Known)> Columns(string[] header)
    {
        var columns = new Dictionary<int, (string Key, bool Known)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            var text = header[i].Trim();
            if (text.Length == 0)
                continue;
            var column = Aliases.TryGetValue(Normalize(text), out var known) ? (known, true) : (text, false);
            if (!seen.Add(column.Item1))
                throw PortalException.Invalid($"The column '{text}' appears twice in the header.", "file");
            if (!column.Item2 && text.Length > KeyValueRules.MaxKeyLength)
                throw PortalException.Invalid($"The column '{text[..30]}…' is longer than {KeyValueRules.MaxKeyLength} characters.", "file");
            columns[i] = column;
        }
        if (!seen.Contains(Name) || !seen.Contains(Email))
            throw PortalException.Invalid("The first row must name the columns, with at least 'name' and 'email'.", "file");
        return columns;
    }

    private static string Normalize(string header) => new(header.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
}
