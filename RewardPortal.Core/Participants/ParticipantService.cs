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
    IDbContextFactory<RewardPortalDbContext> dbFactory, EventRecorder events, IDeliverySignal signal, TimeProvider clock)
{
    public const int MaxCustomFields = 50;

    public async Task<Participant> CreateAsync(NewParticipant input, string actor, CancellationToken cancellationToken = default)
    {
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
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
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Participants.Add(participant);
        await db.SaveChangesAsync(cancellationToken);
        await events.RecordAsync(db, EventTypes.ParticipantCreated, new ParticipantEventData(ParticipantPayload.Of(participant)),
            new EventSubject(ParticipantId: participant.Id), cancellationToken);
        db.Audit(actor, "participant.created", nameof(Participant), participant.Id, participant.Email);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.DeliveriesWritten();
        return participant;
    }

    /// <summary>
    /// Credits (positive) or debits (negative) a balance. The update is conditional in the database, so a debit never
    /// takes a balance below zero however many run at once. Credits fire points.awarded.
    /// </summary>
    public async Task<LedgerEntry> AdjustBalanceAsync(long participantId, Currency currency, long amount, string reason, string actor,
        CancellationToken cancellationToken = default)
    {
        if (amount == 0)
            throw PortalException.Invalid("The amount must not be zero.", "amount");
        if (Math.Abs(amount) > 1_000_000_000_000)
            throw PortalException.Invalid("The amount is too large.", "amount");
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
            throw PortalException.Invalid("Give a reason of at most 500 characters.", "reason");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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
            Reason = reason.Trim(),
            Actor = actor,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.LedgerEntries.Add(entry);
        if (amount > 0)
            await events.RecordAsync(db, EventTypes.PointsAwarded,
                new CreditEventData(ParticipantPayload.Of(participant), currency, amount, entry.BalanceAfter, entry.Reason),
                new EventSubject(ParticipantId: participantId), cancellationToken);
        db.Audit(actor, amount > 0 ? "balance.credited" : "balance.debited", nameof(Participant), participantId, $"{amount} {currency}: {entry.Reason}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.DeliveriesWritten();
        return entry;
    }

    internal static void Validate(NewParticipant input)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true))
        {
            var first = results[0];
            var field = first.MemberNames.FirstOrDefault();
            throw PortalException.Invalid(first.ErrorMessage ?? "Invalid input.", field is null ? null : char.ToLowerInvariant(field[0]) + field[1..]);
        }
        if (input.CustomFields.Count > MaxCustomFields)
            throw PortalException.Invalid($"At most {MaxCustomFields} custom fields.", "customFields");
        if (input.CustomFields.Any(f => string.IsNullOrWhiteSpace(f.Key) || f.Key.Length > 100 || f.Value?.Length > 1000))
            throw PortalException.Invalid("Custom field names must be 1 to 100 characters and values at most 1000.", "customFields");
    }
}
