using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Participants;

/// <summary>
/// Imports participants (and opening balances) from a CSV, after a preview of what it would do. Rows are matched by
/// email: a known email updates the name, address and custom fields (blank cells keep what is there) only when the
/// admin chose to update existing participants; a new email creates the participant and credits its balances, with
/// ledger entries and events. A campaigns column adds the participant to the campaigns it names (never takes them out of
/// one); a name that is no campaign's refuses the whole row. A bad row is reported and skipped; the good rows around it still go in.
/// Rows are written in batches, one transaction each, so a large file neither holds one long lock nor loses everything to one failure.
/// </summary>
public sealed class ParticipantImportService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, EventRecorder events, CampaignService campaignService, IDeliverySignal signal, TimeProvider clock)
{
    public const int MaxRows = 200_000;
    public const int MaxErrorsListed = 1_000;
    internal const int BatchSize = 500;
    internal const string CreditReason = "Opening balance (import)";

    /// <summary>What an import of this file would do, writing nothing: new rows, updates with their changed fields, refused rows.</summary>
    public async Task<ParticipantImportPreview> PreviewAsync(Stream csv, CancellationToken cancellationToken = default)
    {
        var rows = await ParticipantCsv.ReadAsync(csv, MaxRows, cancellationToken);
        var tally = new Tally();
        var seenEmails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var campaigns = await ImportCampaigns.LoadAsync(db, cancellationToken);
        var parsed = rows.Select(r => Parse(r, seenEmails, campaigns, tally)).OfType<ImportRow>().ToList();
        var created = new List<ImportPreviewRow>();
        var updated = new List<ImportPreviewRow>();
        var unchanged = 0;
        foreach (var chunk in parsed.Chunk(BatchSize))
        {
            var emails = chunk.Select(r => r.Details.Email).ToList();
            var existing = (await db.Participants.AsNoTracking().Where(p => emails.Contains(p.Email)).ToListAsync(cancellationToken))
                .ToDictionary(p => p.Email, StringComparer.OrdinalIgnoreCase);
            var memberships = await MembershipsAsync(db, existing.Values, cancellationToken);
            foreach (var row in chunk)
            {
                if (!existing.TryGetValue(row.Details.Email, out var participant))
                    created.Add(new ImportPreviewRow(row.Row, row.Details.Email, row.Details.Name.Trim(), []));
                else if (Changes(participant, row, memberships[participant.Id]) is { Count: > 0 } changes)
                    updated.Add(new ImportPreviewRow(row.Row, row.Details.Email, row.Details.Name.Trim(), changes));
                else
                    unchanged++;
            }
        }
        return new ParticipantImportPreview(rows.Count, created, updated, unchanged, tally.Failed, tally.Errors);
    }

    /// <param name="updateExisting">
    /// Whether rows for participants who already exist change them; otherwise they are left alone (and counted as skipped).
    /// </param>
    public async Task<ParticipantImportSummary> ImportAsync(Stream csv, string actor, bool updateExisting, IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var rows = await ParticipantCsv.ReadAsync(csv, MaxRows, cancellationToken);
        var tally = new Tally();
        progress?.Report(new ImportProgress(0, rows.Count));
        ImportCampaigns campaigns;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            campaigns = await ImportCampaigns.LoadAsync(db, cancellationToken);

        var seenEmails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var batch = new List<ImportRow>(BatchSize);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = Parse(rows[i], seenEmails, campaigns, tally);
            if (row is not null)
                batch.Add(row);
            if (batch.Count == BatchSize || i == rows.Count - 1)
            {
                await WriteAsync(batch, actor, updateExisting, tally, cancellationToken);
                batch.Clear();
                progress?.Report(new ImportProgress(i + 1, rows.Count));
            }
        }

        var summary = new ParticipantImportSummary(rows.Count, tally.Created, tally.Updated, tally.Failed, tally.Credited, tally.BalancesIgnored, tally.Errors,
            tally.Skipped, tally.Joined);
        await using var audit = await dbFactory.CreateDbContextAsync(cancellationToken);
        audit.Audit(actor, "participants.import_finished", nameof(Participant), null,
            $"{summary.Rows} rows: {summary.Created} created, {summary.Updated} updated, {summary.Skipped} existing left alone, {summary.Failed} failed, "
                + $"{summary.Credited} credited, {summary.BalancesIgnored} balances ignored, {summary.Joined} campaign memberships added");
        await audit.SaveChangesAsync(cancellationToken);
        return summary;
    }

    private static ImportRow? Parse(ParticipantCsvRow csv, Dictionary<string, int> seenEmails, ImportCampaigns campaigns, Tally tally)
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
            var joining = campaigns.Parse(Cell(csv, ParticipantCsv.Campaigns));
            if (seenEmails.TryGetValue(email, out var earlier))
                throw PortalException.Invalid($"The email {email} is already on row {earlier} of this file.", "email");
            seenEmails[email] = csv.Row;
            return new ImportRow(csv.Row, details, ParsePoints(Cell(csv, ParticipantCsv.Points)), ParseCash(Cell(csv, ParticipantCsv.Cash)), joining);
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
    private async Task WriteAsync(List<ImportRow> batch, string actor, bool updateExisting, Tally tally, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return;
        try
        {
            var outcome = await WriteBatchAsync(batch, actor, updateExisting, cancellationToken);
            tally.Add(outcome);
        }
        catch (Exception e) when (e is DbUpdateException or PortalException && batch.Count > 1)
        {
            foreach (var row in batch)
                await WriteAsync([row], actor, updateExisting, tally, cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or PortalException)
        {
            tally.Fail(
                batch[0].Row, batch[0].Details.Email, e is PortalException ? e.Message : $"Could not be saved: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private async Task<Outcome> WriteBatchAsync(List<ImportRow> batch, string actor, bool updateExisting, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outcome = new Outcome();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var emails = batch.Select(r => r.Details.Email).ToList();
        var existing = (await db.Participants.Where(p => emails.Contains(p.Email)).ToListAsync(cancellationToken))
            .ToDictionary(p => p.Email, StringComparer.OrdinalIgnoreCase);

        var memberships = await MembershipsAsync(db, existing.Values, cancellationToken);

        var created = new List<(Participant Participant, ImportRow Row)>();
        var updated = new List<(Participant Participant, ImportRow Row)>();
        var changed = new List<string>();
        foreach (var row in batch)
        {
            if (existing.TryGetValue(row.Details.Email, out var participant))
            {
                if (!updateExisting)
                {
                    outcome.Skipped++;
                    continue;
                }
                if (Changes(participant, row, memberships[participant.Id]) is { Count: > 0 } changes)
                    changed.Add($"{participant.Email}: {string.Join(", ", changes)}");
                Merge(participant, row);
                updated.Add((participant, row));
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
                credits.Add(
                    (Credit(
                        db, opened with { PointsBalance = row.Points, CashBalanceMinor = row.CashMinor }, Currency.Cash, row.CashMinor, actor, now), subject));
            if (row.Points > 0 || row.CashMinor > 0)
                outcome.Credited++;
        }
        await events.RecordAllAsync(db, EventTypes.ParticipantCreated, createdEvents, cancellationToken);
        await events.RecordAllAsync(db, EventTypes.PointsAwarded, credits, cancellationToken);
        outcome.Joined = await JoinCampaignsAsync(db, created.Concat(updated).ToList(), cancellationToken);
        outcome.Created = created.Count;
        db.Audit(actor, "participants.imported", nameof(Participant), null,
            $"rows {batch[0].Row}-{batch[^1].Row}: {outcome.Created} created, {outcome.Updated} updated, {outcome.Skipped} existing left alone, "
                + $"{outcome.Credited} credited"
            + (changed.Count == 0 ? "" : $". Changed: {string.Join("; ", changed)}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (created.Count > 0 || outcome.Joined > 0)
            signal.DeliveriesWritten();
        return outcome;
    }

    /// <summary>Adds each participant to the campaigns of its row, campaign by campaign so that their events are matched in bulk.</summary>
    private async Task<int> JoinCampaignsAsync(
        RewardPortalDbContext db, List<(Participant Participant, ImportRow Row)> rows, CancellationToken cancellationToken)
    {
        var joined = 0;
        var byCampaign = rows.SelectMany(r => r.Row.Campaigns.Select(c => (Campaign: c, ParticipantId: r.Participant.Id))).GroupBy(x => x.Campaign.Id);
        foreach (var group in byCampaign)
            joined += await campaignService.AddMembersInAsync(db, group.First().Campaign, group.Select(x => x.ParticipantId).ToList(), cancellationToken);
        return joined;
    }

    /// <summary>The campaigns each of these participants is in, by participant id.</summary>
    private static async Task<Dictionary<long,
    HashSet<long>>> MembershipsAsync(RewardPortalDbContext db, IEnumerable<Participant> participants, CancellationToken cancellationToken)
    {
        var ids = participants.Select(p => p.Id).ToList();
        var rows = await db.CampaignMembers.AsNoTracking().Where(m => ids.Contains(m.ParticipantId))
            .Select(m => new { m.ParticipantId, m.CampaignId }).ToListAsync(cancellationToken);
        return ids.ToDictionary(id => id, id => rows.Where(r => r.ParticipantId == id).Select(r => r.CampaignId).ToHashSet());
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

    /// <summary>What <see cref="Merge"/> would change, field by field ("city: London → Paris"); empty when nothing.</summary>
    private static List<string> Changes(Participant participant, ImportRow row, IReadOnlySet<long> memberOf)
    {
        var changes = new List<string>();
        void Compare(string field, string? before, string? after)
        {
            if (after is not null && after != before)
                changes.Add($"{field}: {(string.IsNullOrEmpty(before) ? "(blank)" : before)} → {after}");
        }
        Compare("name", participant.Name, row.Details.Name.Trim());
        var (was, now) = (participant.Address, row.Details.Address);
        Compare("line1", was.Line1, now.Line1);
        Compare("line2", was.Line2, now.Line2);
        Compare("city", was.City, now.City);
        Compare("region", was.Region, now.Region);
        Compare("postal code", was.PostalCode, now.PostalCode);
        Compare("country", was.Country, now.Country);
        foreach (var (key, value) in row.Details.CustomFields)
            Compare(key, participant.CustomFields.GetValueOrDefault(key), value);
        if (row.Campaigns.Where(c => !memberOf.Contains(c.Id)).Select(c => c.Name).ToList() is { Count: > 0 } joining)
            changes.Add($"joins {string.Join(", ", joining)}");
        return changes;
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

    private sealed record ImportRow(int Row, NewParticipant Details, long Points, long CashMinor, IReadOnlyList<Campaign> Campaigns);

    private sealed class Outcome
    {
        public int Created, Updated, Skipped, Credited, BalancesIgnored, Joined;
    }

    private sealed class Tally
    {
        public int Created, Updated, Skipped, Credited, BalancesIgnored, Failed, Joined;
        public List<ImportRowError> Errors { get; } = [];

        public void Add(Outcome outcome)
        {
            Created += outcome.Created;
            Updated += outcome.Updated;
            Skipped += outcome.Skipped;
            Credited += outcome.Credited;
            BalancesIgnored += outcome.BalancesIgnored;
            Joined += outcome.Joined;
        }

        public void Fail(int row, string? email, string message)
        {
            Failed++;
            if (Errors.Count < MaxErrorsListed)
                Errors.Add(new ImportRowError(row, string.IsNullOrWhiteSpace(email) ? null : email, message));
        }
    }
}
