using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Participants;

/// <summary>Creates participants and moves their balances, each change with its ledger entry, audit entry and event.</summary>
public sealed class ParticipantService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, WriteTransactions transactions, EventRecorder events, IDeliverySignal signal, TimeProvider clock)
{
    public const int MaxCustomFields = 50;

    public async Task<Participant> CreateAsync(NewParticipant input, string actor, CancellationToken cancellationToken = default)
    {
        Validate(input);
        var participant = await transactions.RunAsync((db, ct) => CreateInAsync(db, input, actor, ct), cancellationToken);
        signal.DeliveriesWritten();
        return participant;
    }

    private async Task<Participant> CreateInAsync(RewardPortalDbContext db, NewParticipant input, string actor, CancellationToken cancellationToken)
    {
        var email = input.Email.Trim();
        if (await db.Participants.AnyAsync(p => p.Email == email, cancellationToken))
            throw PortalException.Conflict($"A participant with the email {email} already exists.");

        var participant = new Participant
        {
            Name = input.Name.Trim(),
            Email = email,
            Address = input.Address,
            CustomFields = input.CustomFields,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Participants.Add(participant);
        await db.SaveChangesAsync(cancellationToken);
        await events.RecordAsync(db, EventTypes.ParticipantCreated, new ParticipantEventData(ParticipantPayload.Of(participant)),
            new EventSubject(ParticipantId: participant.Id), cancellationToken);
        db.Audit(actor, "participant.created", nameof(Participant), participant.Id, participant.Email);
        await db.SaveChangesAsync(cancellationToken);
        return participant;
    }

    /// <summary>
    /// Credits (positive) or debits (negative) a balance. The update is conditional in the database, so a debit never
    /// takes a balance below zero however many run at once. Credits fire points.awarded (in <paramref name="campaignId"/>,
    /// when given, which the ledger entry records); debits are an admin's correction and fire points.adjusted.
    /// </summary>
    public async Task<LedgerEntry> AdjustBalanceAsync(long participantId, Currency currency, long amount, string reason, string actor,
        long? campaignId = null, CancellationToken cancellationToken = default)
    {
        if (campaignId is not null && amount < 0)
            throw PortalException.Invalid("Points are awarded in a campaign; a debit belongs to none.", "campaignId");
        if (amount == 0)
            throw PortalException.Invalid("The amount must not be zero.", "amount");
        if (Math.Abs(amount) > 1_000_000_000_000)
            throw PortalException.Invalid("The amount is too large.", "amount");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
            throw PortalException.Invalid("Give a reason of at most 500 characters.", "reason");
        TextRules.RequireSingleLine(reason, "reason", "The reason");

        var entry = await transactions.RunAsync(
            (db, ct) => AdjustBalanceInAsync(db, participantId, currency, amount, reason.Trim(), actor, campaignId, ct), cancellationToken);
        signal.DeliveriesWritten();
        return entry;
    }

    private async Task<LedgerEntry> AdjustBalanceInAsync(
        RewardPortalDbContext db, long participantId, Currency currency, long amount, string reason, string actor, long? campaignId,
        CancellationToken cancellationToken)
    {
        var campaign = campaignId is null ? null
            : await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken)
              ?? throw PortalException.Invalid($"There is no campaign {campaignId}.", "campaignId");
        var updated = currency == Currency.Points
            ? await db.Participants.Where(p => p.Id == participantId && p.PointsBalance + amount >= 0)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PointsBalance, p => p.PointsBalance + amount), cancellationToken)
            : await db.Participants.Where(p => p.Id == participantId && p.CashBalanceMinor + amount >= 0)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CashBalanceMinor, p => p.CashBalanceMinor + amount), cancellationToken);
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == participantId, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        if (updated == 0)
            throw PortalException.Invalid("The balance is too low for this debit.", "amount");

        var entry = new LedgerEntry
        {
            ParticipantId = participantId,
            Currency = currency,
            Amount = amount,
            BalanceAfter = currency == Currency.Points ? participant.PointsBalance : participant.CashBalanceMinor,
            Kind = amount > 0 ? LedgerEntryKind.Award : LedgerEntryKind.Adjustment,
            Reason = reason,
            Actor = actor,
            CampaignId = campaign?.Id,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.LedgerEntries.Add(entry);
        await events.RecordAsync(db, amount > 0 ? EventTypes.PointsAwarded : EventTypes.PointsAdjusted,
            new CreditEventData(
                ParticipantPayload.Of(participant), currency, amount, entry.BalanceAfter, entry.Reason, campaign is null ? null : CampaignPayload.Of(campaign)),
            new EventSubject(ParticipantId: participantId, CampaignId: campaign?.Id), cancellationToken);
        db.Audit(actor, amount > 0 ? "balance.credited" : "balance.debited", nameof(Participant), participantId, $"{amount} {currency}: {entry.Reason}");
        await db.SaveChangesAsync(cancellationToken);
        return entry;
    }

    /// <summary>
    /// Changes name, email, address and custom fields (the same fields as <see cref="CreateAsync"/>). A participant who signs
    /// in keeps signing in with the new email: the linked user changes in the same transaction.
    /// </summary>
    public async Task<Participant> UpdateAsync(long id, NewParticipant input, string actor, CancellationToken cancellationToken = default)
    {
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        var email = input.Email.Trim();
        var changes = new List<string>();
        var changed = new List<string>();
        if (participant.Email != email)
        {
            if (await db.Participants.AnyAsync(p => p.Id != id && p.Email == email, cancellationToken))
                throw PortalException.Invalid($"Another participant has the email {email}.", "email");
            await ChangeSignInEmailAsync(db, participant.UserId, email, cancellationToken);
            changes.Add($"email: {participant.Email} -> {email}");
            changed.Add("email");
            participant.Email = email;
        }
        var name = input.Name.Trim();
        if (participant.Name != name)
        {
            changes.Add($"name: {participant.Name} -> {name}");
            changed.Add("name");
        }
        if (participant.Address.ToString() != input.Address.ToString())
        {
            changes.Add("address");
            changed.Add("address");
        }
        if (!participant.CustomFields.OrderBy(f => f.Key).SequenceEqual(input.CustomFields.OrderBy(f => f.Key)))
        {
            changes.Add("custom fields");
            changed.Add("customFields");
        }
        participant.Name = name;
        participant.Address = Copy(input.Address);
        participant.CustomFields = new Dictionary<string, string>(input.CustomFields);
        db.Audit(actor, "participant.updated", nameof(Participant), id, changes.Count == 0 ? "no changes" : string.Join("; ", changes));
        if (changed.Count > 0)
            await events.RecordAsync(db, EventTypes.ParticipantUpdated, new ParticipantUpdatedEventData(ParticipantPayload.Of(participant), changed),
                new EventSubject(ParticipantId: id), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (changed.Count > 0)
            signal.DeliveriesWritten();
        return participant;
    }

    /// <summary>Suspends or reinstates a participant (a suspended participant cannot redeem); either fires participant.status_changed.</summary>
    public async Task SetSuspendedAsync(long id, bool suspended, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        if (participant.IsSuspended == suspended)
            return;
        participant.IsSuspended = suspended;
        db.Audit(actor, suspended ? "participant.suspended" : "participant.unsuspended", nameof(Participant), id, participant.Email);
        await events.RecordAsync(db, EventTypes.ParticipantStatusChanged,
            new ParticipantStatusEventData(
                ParticipantPayload.Of(participant), suspended ? ParticipantStatusChange.Suspended : ParticipantStatusChange.Reinstated),
            new EventSubject(ParticipantId: id), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.DeliveriesWritten();
    }

    private static async Task ChangeSignInEmailAsync(RewardPortalDbContext db, string? userId, string email, CancellationToken cancellationToken)
    {
        if (userId is null)
            return;
        // Identity's default lookup normalizer, so that sign-in by the new email finds the user.
        var normalized = email.Normalize().ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.Id != userId && u.NormalizedEmail == normalized, cancellationToken))
            throw PortalException.Invalid($"Another user signs in with {email}.", "email");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
            return;
        user.Email = user.UserName = email;
        user.NormalizedEmail = user.NormalizedUserName = normalized;
        user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
    }

    private static PostalAddress Copy(PostalAddress a) => new()
    {
        Line1 = Clean(a.Line1), Line2 = Clean(a.Line2), City = Clean(a.City), Region = Clean(a.Region), PostalCode = Clean(a.PostalCode),
        Country = Clean(a.Country),
    };

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Every broken rule of the input at once, each on its field.</summary>
    public static void Validate(NewParticipant input)
    {
        var errors = new ValidationErrors();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var field = result.MemberNames.FirstOrDefault();
            errors.Add(field is null ? "" : char.ToLowerInvariant(field[0]) + field[1..], result.ErrorMessage ?? "Invalid input.");
        }
        if (input.CustomFields.Count > MaxCustomFields)
            errors.Add("customFields", $"At most {MaxCustomFields} custom fields.");
        if (input.CustomFields.Any(f => string.IsNullOrWhiteSpace(f.Key) || f.Key.Length > 100 || f.Value?.Length > 1000))
            errors.Add("customFields", "Custom field names must be 1 to 100 characters and values at most 1000.");
        errors.Check(() => KeyValueRules.Validate(input.CustomFields, "customFields"));
        errors.Check(() => TextRules.RequireSingleLine(input.Name, "name", "The name"));
        errors.Check(() => TextRules.RequireSingleLine(input.Email, "email", "The email"));
        var address = input.Address ?? new PostalAddress();
        string?[] parts = [address.Line1, address.Line2, address.City, address.Region, address.PostalCode, address.Country];
        if (parts.Any(part => part?.Length > 200))
            errors.Add("address", "Each part of the address is at most 200 characters.");
        if (parts.Any(part => part is not null && !TextRules.IsSingleLine(part)))
            errors.Add("address", $"Each part of the address {TextRules.SingleLineRule}.");
        errors.ThrowIfAny();
    }
}
