namespace RewardPortal.Core.Participants;

/// <summary>How far an import has got: rows of the file handled so far, out of all its rows.</summary>
public record ImportProgress(int Processed, int Total)
{
    public double Percent => Total == 0 ? 100 : 100.0 * Processed / Total;
}

/// <summary>A row that was not imported, by its row number in the file (the header is row 1).</summary>
public record ImportRowError(int Row, string? Email, string Message);

/// <summary>
/// What an import did. Balances are credited only to participants the import created: for participants that already
/// existed, the balance columns are ignored (counted in <see cref="BalancesIgnored"/>), so a re-import never pays twice.
/// </summary>
/// <param name="Skipped">Rows for participants who already existed, left alone because updating them was not chosen.</param>
/// <param name="Joined">Campaign memberships the campaigns column added (a participant already in a campaign is not counted).</param>
public record ParticipantImportSummary(
    int Rows, int Created, int Updated, int Failed, int Credited, int BalancesIgnored, IReadOnlyList<ImportRowError> Errors, int Skipped = 0, int Joined = 0)
{
    /// <summary>Errors are listed up to a limit; <see cref="Failed"/> counts them all.</summary>
    public bool ErrorsTruncated => Errors.Count < Failed;
}

/// <summary>A row of the preview: a participant the import would create, or one it would update with these changes.</summary>
public record ImportPreviewRow(int Row, string Email, string Name, IReadOnlyList<string> Changes);

/// <summary>What an import would do, before it writes anything. Rows that match a participant and change nothing are only counted.</summary>
public record ParticipantImportPreview(
    int Rows, IReadOnlyList<ImportPreviewRow> New, IReadOnlyList<ImportPreviewRow> Updated, int Unchanged, int Refused, IReadOnlyList<ImportRowError> Errors);
