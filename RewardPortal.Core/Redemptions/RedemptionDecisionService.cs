using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Redemptions;

/// <summary>
/// Closes the loop on a redemption: fulfil, or refuse and refund. A decision is made once: the status changes only
/// from Requested, in the database, so of two team members clicking at once exactly one wins.
/// </summary>
public sealed class RedemptionDecisionService(WriteTransactions transactions, EventRecorder events, IDeliverySignal signal, TimeProvider clock,
    ILogger<RedemptionDecisionService> logger)
{
    public const int MaxMessageLength = 2000;

    public Task<Redemption> FulfilAsync(long redemptionId, string? message, string actor, CancellationToken cancellationToken = default) =>
        DecideAsync(redemptionId, RedemptionStatus.Fulfilled, message, actor, cancellationToken);

    public Task<Redemption> RefuseAsync(long redemptionId, string? message, string actor, CancellationToken cancellationToken = default) =>
        DecideAsync(redemptionId, RedemptionStatus.Refused, message, actor, cancellationToken);

    private async Task<Redemption> DecideAsync(long redemptionId, RedemptionStatus decision, string? message, string actor, CancellationToken cancellationToken)
    {
        message = TextRules.NormaliseMultiLine(message);
        message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (message is null && decision == RedemptionStatus.Refused)
            throw PortalException.Invalid("Say why the redemption is refused: the participant sees this message.", "message");
        if (message is { Length: > MaxMessageLength })
            throw PortalException.Invalid($"The message may be at most {MaxMessageLength} characters.", "message");

        var redemption = await transactions.RunAsync((db, ct) => DecideInAsync(db, redemptionId, decision, message, actor, ct), cancellationToken);
        signal.DeliveriesWritten();
        using (LogScopes.Redemption(logger, redemption.Id))
            logger.LogInformation(
                "Redemption {RedemptionId} {Decision}.", redemption.Id, decision == RedemptionStatus.Refused ? "refused and refunded" : "fulfilled");
        return redemption;
    }

    private async Task<Redemption> DecideInAsync(
        RewardPortalDbContext db, long redemptionId, RedemptionStatus decision, string? message, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var decided = await db.Redemptions.Where(r => r.Id == redemptionId && r.Status == RedemptionStatus.Requested)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, decision)
                .SetProperty(r => r.Message, message)
                .SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, actor), cancellationToken);
        var redemption = await db.Redemptions.FirstOrDefaultAsync(r => r.Id == redemptionId, cancellationToken)
            ?? throw PortalException.NotFound("The redemption");
        if (decided == 0)
            throw PortalException.Conflict(
                $"This redemption was already {redemption.Status.ToString().ToLowerInvariant()} by {redemption.DecidedBy} at "
                    + $"{redemption.DecidedAt:yyyy-MM-dd HH:mm} UTC.",
                RedemptionErrors.AlreadyDecided);

        if (decision == RedemptionStatus.Refused)
            await RefundAsync(db, redemption, actor, now, cancellationToken);
        db.RedemptionStatusChanges.Add(
            new RedemptionStatusChange { RedemptionId = redemption.Id, Status = decision, Actor = actor, Message = message, At = now });

        var participant = await db.Participants.AsNoTracking().FirstAsync(p => p.Id == redemption.ParticipantId, cancellationToken);
        var type = decision == RedemptionStatus.Fulfilled ? EventTypes.RedemptionFulfilled : EventTypes.RedemptionRefused;
        var data = RedemptionEventData.Of(redemption, participant);
        var subject = new EventSubject(redemption.Id, redemption.ParticipantId, redemption.RewardId, redemption.RewardType);
        await events.RecordAsync(db, type, data, subject, cancellationToken);
        // A cash reward fulfilled is money paid out: the seed's "Payout Created", for systems that follow payouts alone.
        if (decision == RedemptionStatus.Fulfilled && redemption.RewardType == Rewards.RewardType.Cash)
            await events.RecordAsync(db, EventTypes.PayoutCreated, data, subject, cancellationToken);
        db.Audit(actor, type, nameof(Redemption), redemption.Id, message);
        await db.SaveChangesAsync(cancellationToken);
        return redemption;
    }

    /// <summary>Gives the cost back and the unit back to stock. A voucher code, once shown, stays used.</summary>
    private static async Task RefundAsync(RewardPortalDbContext db, Redemption redemption, string actor, DateTime now, CancellationToken cancellationToken)
    {
        var cost = redemption.Cost;
        if (redemption.CostCurrency == Currency.Points)
            await db.Participants.Where(p => p.Id == redemption.ParticipantId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PointsBalance, p => p.PointsBalance + cost), cancellationToken);
        else
            await db.Participants.Where(p => p.Id == redemption.ParticipantId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CashBalanceMinor, p => p.CashBalanceMinor + cost), cancellationToken);
        var balance = await db.Participants.Where(p => p.Id == redemption.ParticipantId)
            .Select(p => redemption.CostCurrency == Currency.Points ? p.PointsBalance : p.CashBalanceMinor).FirstAsync(cancellationToken);
        db.LedgerEntries.Add(new LedgerEntry
        {
            ParticipantId = redemption.ParticipantId, Currency = redemption.CostCurrency, Amount = cost, BalanceAfter = balance,
            Kind = LedgerEntryKind.Refund, Reason = $"Refund: {redemption.Reward.Name} was refused", Actor = actor, RedemptionId = redemption.Id,
            CreatedAt = now,
        });
        await db.Rewards.Where(r => r.Id == redemption.RewardId && r.Stock != null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock + 1), cancellationToken);
    }
}
