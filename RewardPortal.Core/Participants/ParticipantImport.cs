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
public record ParticipantImportSummary(
    int Rows, int Created, int Updated, int Failed, int Credited, int BalancesIgnored, IReadOnlyList<ImportRowError> Errors)
{
    /// <summary>Errors are listed up to a limit; <see cref="Failed"/> counts them all.</summary>
    public bool ErrorsTruncated => Errors.Count < Failed;
}
