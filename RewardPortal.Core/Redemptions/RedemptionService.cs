using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

/// <summary>
/// A participant redeems a reward. Everything happens in one transaction, and every limit is a conditional update in
/// the database, so concurrent requests can neither overspend a balance, oversell stock, nor hand out a code twice.
/// </summary>
public sealed class RedemptionService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, EventRecorder events, IDeliverySignal signal, LowStockMonitor lowStock, TimeProvider clock)
{
    public const int MaxIdempotencyKeyLength = 200;
    private const string SystemActor = "system";

    public async Task<RedeemResult> RedeemAsync(RedeemRequest request, string actor, CancellationToken cancellationToken = default)
    {
        var key = string.IsNullOrWhiteSpace(request.IdempotencyKey) ? null : request.IdempotencyKey.Trim();
        if (key is { Length: > MaxIdempotencyKeyLength })
            throw PortalException.Invalid($"The idempotency key may be at most {MaxIdempotencyKeyLength} characters.", "idempotencyKey");
        var requestHash = Hash(request);

        if (key is not null && await FindReplayAsync(request.ParticipantId, key, requestHash, cancellationToken) is { } earlier)
            return new RedeemResult(earlier, Replayed: true);

        try
        {
            var redemption = await RedeemOnceAsync(request, key, requestHash, actor, cancellationToken);
            signal.DeliveriesWritten();
            return new RedeemResult(redemption, Replayed: false);
        }
        catch (DbUpdateException) when (key is not null)
        {
            // Two requests with one key raced; the unique index let one win. Answer with the winner.
            var winner = await FindReplayAsync(request.ParticipantId, key, requestHash, cancellationToken);
            return new RedeemResult(winner ?? throw new InvalidOperationException("A redemption failed to save."), Replayed: true);
        }
    }

    private async Task<Redemption> RedeemOnceAsync(RedeemRequest request, string? key, string requestHash, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var reward = await db.Rewards.AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.RewardId, cancellationToken);
        if (reward is null || reward.IsDeleted)
            throw PortalException.NotFound("The reward");
        if (!reward.IsEnabled)
            throw PortalException.Conflict($"{reward.Name} is not available for redemption right now.", RedemptionErrors.RewardUnavailable);
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.ParticipantId, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        if (participant.IsSuspended)
            throw PortalException.Conflict("This participant's account is suspended, so it cannot redeem rewards.", RedemptionErrors.ParticipantSuspended);

        var balanceAfter = await DebitAsync(db, participant.Id, reward.CostCurrency, reward.Cost, cancellationToken)
            ?? throw PortalException.Conflict(
                $"Not enough {(reward.CostCurrency == Currency.Points ? "points" : "cash")}: {reward.Name} costs {Amounts.Format(reward.CostCurrency, reward.Cost)}.",
                RedemptionErrors.InsufficientBalance);
        if (reward.Stock is not null && await db.Rewards.Where(r => r.Id == reward.Id && r.Stock > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock - 1), cancellationToken) == 0)
            throw PortalException.Conflict($"{reward.Name} is out of stock.", RedemptionErrors.OutOfStock);

        var redemption = new Redemption
        {
            ParticipantId = participant.Id,
            RewardId = reward.Id,
            Reward = RewardSnapshot.Of(reward),
            RewardType = reward.Type,
            CostCurrency = reward.CostCurrency,
            Cost = reward.Cost,
            Status = RedemptionStatus.Requested,
            IdempotencyKey = key,
            RequestHash = requestHash,
            CreatedAt = now,
            History = [new RedemptionStatusChange { Status = RedemptionStatus.Requested, Actor = actor, At = now }],
        };
        db.Redemptions.Add(redemption);
        await db.SaveChangesAsync(cancellationToken);

        db.LedgerEntries.Add(new LedgerEntry
        {
            ParticipantId = participant.Id, Currency = reward.CostCurrency, Amount = -reward.Cost, BalanceAfter = balanceAfter,
            Kind = LedgerEntryKind.Redemption, Reason = $"Redeemed {reward.Name}", Actor = actor, RedemptionId = redemption.Id, CreatedAt = now,
        });
        var debited = await db.Participants.AsNoTracking().FirstAsync(p => p.Id == participant.Id, cancellationToken);
        var subject = new EventSubject(redemption.Id, participant.Id, reward.Id, reward.Type);
        await events.RecordAsync(db, EventTypes.RedemptionRequested, RedemptionEventData.Of(redemption, debited), subject, cancellationToken);

        if (reward.Type == RewardType.VoucherCode)
        {
            // A code is handed over at once: the redemption is fulfilled in the same transaction.
            redemption.VoucherCode = await ClaimVoucherCodeAsync(db, reward.Id, redemption.Id, now, cancellationToken)
                ?? throw PortalException.Conflict($"{reward.Name} has no codes left.", RedemptionErrors.VoucherPoolEmpty);
            redemption.Status = RedemptionStatus.Fulfilled;
            redemption.DecidedAt = now;
            redemption.DecidedBy = SystemActor;
            redemption.History.Add(new RedemptionStatusChange { Status = RedemptionStatus.Fulfilled, Actor = SystemActor, Message = "Voucher code issued", At = now });
            await events.RecordAsync(db, EventTypes.RedemptionFulfilled, RedemptionEventData.Of(redemption, debited), subject, cancellationToken);
        }

        db.Audit(actor, "redemption.requested", nameof(Redemption), redemption.Id, $"{reward.Name} for participant {participant.Id}");
        await lowStock.CheckAsync(db, reward.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return redemption;
    }

    /// <returns>The balance after the debit, or null when it would go below zero.</returns>
    internal static async Task<long?> DebitAsync(RewardPortalDbContext db, long participantId, Currency currency, long amount, CancellationToken cancellationToken)
    {
        var updated = currency == Currency.Points
            ? await db.Participants.Where(p => p.Id == participantId && p.PointsBalance >= amount)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PointsBalance, p => p.PointsBalance - amount), cancellationToken)
            : await db.Participants.Where(p => p.Id == participantId && p.CashBalanceMinor >= amount)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CashBalanceMinor, p => p.CashBalanceMinor - amount), cancellationToken);
        if (updated == 0)
            return null;
        return await db.Participants.Where(p => p.Id == participantId)
            .Select(p => currency == Currency.Points ? p.PointsBalance : p.CashBalanceMinor).FirstAsync(cancellationToken);
    }

    /// <summary>Takes the oldest unclaimed code. The claim re-checks that the code is still free, so two claims never share one.</summary>
    private static async Task<string?> ClaimVoucherCodeAsync(RewardPortalDbContext db, long rewardId, long redemptionId, DateTime now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var candidate = await db.VoucherCodes.Where(v => v.RewardId == rewardId && v.RedemptionId == null)
                .OrderBy(v => v.Id).Select(v => new { v.Id, v.Code }).FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
                return null;
            var claimed = await db.VoucherCodes.Where(v => v.Id == candidate.Id && v.RedemptionId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.RedemptionId, redemptionId).SetProperty(v => v.ClaimedAt, now), cancellationToken);
            if (claimed == 1)
                return candidate.Code;
        }
        throw PortalException.Conflict("Voucher codes are in heavy demand right now; try again.", RedemptionErrors.VoucherPoolEmpty);
    }

    private async Task<Redemption?> FindReplayAsync(long participantId, string key, string requestHash, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var earlier = await db.Redemptions.AsNoTracking().FirstOrDefaultAsync(r => r.ParticipantId == participantId && r.IdempotencyKey == key, cancellationToken);
        if (earlier is not null && earlier.RequestHash != requestHash)
            throw PortalException.Invalid("This Idempotency-Key was already used for a different request.", "idempotencyKey", RedemptionErrors.IdempotencyKeyReused);
        return earlier;
    }

    private static string Hash(RedeemRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.ParticipantId}:{request.RewardId}")))[..32];
}
