using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Participants;

/// <summary>
/// Imports participants (and opening balances) from a CSV. Rows are matched by email: a known email updates the name,
/// address and custom fields (blank cells keep what is there); a new email creates the participant and credits its
/// balances, with ledger entries and events. A bad row is reported and skipped; the good rows around it still go in.
/// Rows are written in batches, one transaction each, so a large file neither holds one long lock nor loses everything to one failure.
/// </summary>
public sealed class ParticipantImportService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, EventRecorder events, IDeliverySignal signal, TimeProvider clock)
{
    public const int MaxRows = 200_000;
    public const int MaxErrorsListed = 1_000;
    internal const int BatchSize = 500;
    internal const string CreditReason = "Opening balance (import)";

    public async Task<ParticipantImportSummary> ImportAsync(Stream csv, string actor, IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var rows = await ParticipantCsv.ReadAsync(csv, MaxRows, cancellationToken);
        var tally = new Tally();
        progress?.Report(new ImportProgress(0, rows.Count));

        var seenEmails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var batch = new List<ImportRow>(BatchSize);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = Parse(rows[i], seenEmails, tally);
            if (row is not null)
                batch.Add(row);
            if (batch.Count == BatchSize || i == rows.Count - 1)
            {
                await WriteAsync(batch, actor, tally, cancellationToken);
                batch.Clear();
                progress?.Report(new ImportProgress(i + 1, rows.Count));
            }
        }

        var summary = new ParticipantImportSummary(rows.Count, tally.Created, tally.Updated, tally.Failed, tally.Credited, tally.BalancesIgnored, tally.Errors);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Audit(actor, "participants.import_finished", nameof(Participant), null,
            $"{summary.Rows} rows: {summary.Created} created, {summary.Updated} updated, {summary.Failed} failed, {summary.Credited} credited, {summary.BalancesIgnored} balances ignored");
        await db.SaveChangesAsync(cancellationToken);
        return summary;
    }

    private static ImportRow? Parse(ParticipantCsvRow csv, Dictionary<string, int> seenEmails, Tally tally)
    {
        var email = csv.Cells.GetValueOrDefault(ParticipantCsv.Email, "");
        try
        {
            var details = new NewParticipant
            {
                Name = csv.Cells.GetValueOrDefault(ParticipantCsv.Name, ""),
                Email = email,
                Address = new PostalAddress
                {
                    Line1 = Cell(csv, ParticipantCsv.Line1), Line2 = Cell(csv, ParticipantCsv.Line2), City = Cell(csv, ParticipantCsv.City),
                    Region = Cell(csv, ParticipantCsv.Region), PostalCode = Cell(csv, ParticipantCsv.PostalCode), Country = Cell(csv, ParticipantCsv.Country),
                },
                CustomFields = new Dictionary<string, string>(csv.CustomFields),
            };
            ParticipantService.Validate(details);
            if (seenEmails.TryGetValue(email, out var earlier))
                throw PortalException.Invalid($"The email {email} is already on row {earlier} of this file.", "email");
            seenEmails[email] = csv.Row;
            return new ImportRow(csv.Row, details, ParsePoints(Cell(csv, ParticipantCsv.Points)), ParseCash(Cell(csv, ParticipantCsv.Cash)));
        }
        catch (PortalException e)
        {
            tally.Fail(csv.Row, email, e.Message);
            return null;
        }
    }

    private static string? Cell(ParticipantCsvRow row, string column) =>
        row.Cells.TryGetValue(column, out var value) && value.Length > 0 ? value : null;

    private static long ParsePoints(string? text)
    {
        if (text is null)
            return 0;
        if (!long.TryParse(text, NumberStyles.AllowThousands | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var points))
            throw PortalException.Invalid($"Points must be a whole number, not '{text}'.", "points");
        if (points < 0)
            throw PortalException.Invalid("Points can't be negative: an import only credits.", "points");
        return points <= Amounts.MaxAmount ? points : throw PortalException.Invalid("The points are too large.", "points");
    }

    private static long ParseCash(string? text)
    {
        if (text is null)
            return 0;
        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var cash))
            throw PortalException.Invalid($"Cash must be an amount like 12.50, not '{text}'.", "cash");
        if (cash < 0)
            throw PortalException.Invalid("Cash can't be negative: an import only credits.", "cash");
        return Amounts.CashToMinor(cash, "cash");
    }

    /// <summary>Writes a batch in one transaction; if the batch fails as a whole, each row is tried alone so only the bad one is lost.</summary>
    private async Task WriteAsync(List<ImportRow> batch, string actor, Tally tally, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return;
        try
        {
            var outcome = await WriteBatchAsync(batch, actor, cancellationToken);
            tally.Add(outcome);
        }
        catch (Exception e) when (e is DbUpdateException or PortalException && batch.Count > 1)
        {
            foreach (var row in batch)
                await WriteAsync([row], actor, tally, cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or PortalException)
        {
            tally.Fail(batch[0].Row, batch[0].Details.Email, e is PortalException ? e.Message : $"Could not be saved: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private async Task<Outcome> WriteBatchAsync(List<ImportRow> batch, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outcome = new Outcome();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var emails = batch.Select(r => r.Details.Email).ToList();
        var existing = (await db.Participants.Where(p => emails.Contains(p.Email)).ToListAsync(cancellationToken))
            .ToDictionary(p => p.Email, StringComparer.OrdinalIgnoreCase);

        var created = new List<(Participant Participant, ImportRow Row)>();
        foreach (var row in batch)
        {
            if (existing.TryGetValue(row.Details.Email, out var participant))
            {
                Merge(participant, row);
                outcome.Updated++;
                if (row.Points > 0 || row.CashMinor > 0)
                    outcome.BalancesIgnored++;
                continue;
            }
            // The opening balance goes in with the row; the ledger and events below tell it as two credits after creation.
            participant = new Participant
            {
                Name = row.Details.Name.Trim(), Email = row.Details.Email, Address = row.Details.Address,
                CustomFields = row.Details.CustomFields, PointsBalance = row.Points, CashBalanceMinor = row.CashMinor, CreatedAt = now,
            };
            db.Participants.Add(participant);
            created.Add((participant, row));
        }
        await db.SaveChangesAsync(cancellationToken);

        // Events in bulk: the notifications are matched once per batch, not once per participant.
        var createdEvents = new List<(ParticipantEventData, EventSubject)>(created.Count);
        var credits = new List<(CreditEventData, EventSubject)>();
        foreach (var (participant, row) in created)
        {
            var subject = new EventSubject(ParticipantId: participant.Id);
            var opened = ParticipantPayload.Of(participant) with { PointsBalance = 0, CashBalanceMinor = 0 };
            createdEvents.Add((new ParticipantEventData(opened), subject));
            if (row.Points > 0)
                credits.Add((Credit(db, opened with { PointsBalance = row.Points }, Currency.Points, row.Points, actor, now), subject));
            if (row.CashMinor > 0)
                credits.Add((Credit(db, opened with { PointsBalance = row.Points, CashBalanceMinor = row.CashMinor }, Currency.Cash, row.CashMinor, actor, now), subject));
            if (row.Points > 0 || row.CashMinor > 0)
                outcome.Credited++;
        }
        await events.RecordAllAsync(db, EventTypes.ParticipantCreated, createdEvents, cancellationToken);
        await events.RecordAllAsync(db, EventTypes.PointsAwarded, credits, cancellationToken);
        outcome.Created = created.Count;
        db.Audit(actor, "participants.imported", nameof(Participant), null,
            $"rows {batch[0].Row}-{batch[^1].Row}: {outcome.Created} created, {outcome.Updated} updated, {outcome.Credited} credited");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (created.Count > 0)
            signal.DeliveriesWritten();
        return outcome;
    }

    /// <summary>The ledger entry of one opening credit, and its event's data; <paramref name="after"/> is the participant just after it.</summary>
    private static CreditEventData Credit(RewardPortalDbContext db, ParticipantPayload after, Currency currency, long amount, string actor, DateTime now)
    {
        var balance = currency == Currency.Points ? after.PointsBalance : after.CashBalanceMinor;
        db.LedgerEntries.Add(new LedgerEntry
        {
            ParticipantId = after.Id, Currency = currency, Amount = amount, BalanceAfter = balance,
            Kind = LedgerEntryKind.Award, Reason = CreditReason, Actor = actor, CreatedAt = now,
        });
        return new CreditEventData(after, currency, amount, balance, CreditReason);
    }

    /// <summary>A known participant takes the file's non-blank cells; blank cells keep what is there.</summary>
    private static void Merge(Participant participant, ImportRow row)
    {
        var address = row.Details.Address;
        participant.Name = row.Details.Name.Trim();
        participant.Address = new PostalAddress
        {
            Line1 = address.Line1 ?? participant.Address.Line1, Line2 = address.Line2 ?? participant.Address.Line2,
            City = address.City ?? participant.Address.City, Region = address.Region ?? participant.Address.Region,
            PostalCode = address.PostalCode ?? participant.Address.PostalCode, Country = address.Country ?? participant.Address.Country,
        };
        var fields = new Dictionary<string, string>(participant.CustomFields);
        foreach (var (key, value) in row.Details.CustomFields)
            fields[key] = value;
        KeyValueRules.Validate(fields, "customFields");
        participant.CustomFields = fields;
    }

    private sealed record ImportRow(int Row, NewParticipant Details, long Points, long CashMinor);

    private sealed class Outcome
    {
        public int Created, Updated, Credited, BalancesIgnored;
    }

    private sealed class Tally
    {
        public int Created, Updated, Credited, BalancesIgnored, Failed;
        public List<ImportRowError> Errors { get; } = [];

        public void Add(Outcome outcome)
        {
            Created += outcome.Created;
            Updated += outcome.Updated;
            Credited += outcome.Credited;
            BalancesIgnored += outcome.BalancesIgnored;
        }

        public void Fail(int row, string? email, string message)
        {
            Failed++;
            if (Errors.Count < MaxErrorsListed)
                Errors.Add(new ImportRowError(row, string.IsNullOrWhiteSpace(email) ? null : email, message));
        }
    }
}
