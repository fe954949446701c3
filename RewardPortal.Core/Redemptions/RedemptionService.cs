using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Redemptions;

/// <summary>
/// A participant redeems a reward. Everything happens in one transaction, and every limit is a conditional update in
/// the database, so concurrent requests can neither overspend a balance, oversell stock, nor hand out a code twice.
/// </summary>
public sealed class RedemptionService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, KeptReadContexts readContexts, WriteTransactions transactions, EventRecorder events,
    IDeliverySignal signal, LowStockMonitor lowStock, PortalMetrics metrics, MoneyFormat money, TimeProvider clock, ILogger<RedemptionService> logger)
{
    public const int MaxIdempotencyKeyLength = 200;
    private const string SystemActor = "system";

    // Under a burst, hundreds of redemptions reading at once would only compete for the CPU (SQLite's calls run on the
    // calling thread) or the connection pool, and on SQLite leave the one writer a sliver of the CPU so that throughput
    // collapses; a few at a time per core keep the writer fed instead.
    private readonly SemaphoreSlim planning = new(Environment.ProcessorCount * 2);

    public async Task<RedeemResult> RedeemAsync(RedeemRequest request, string actor, CancellationToken cancellationToken = default)
    {
        // A span of its own under the request's: the redemption's transaction, with the id it made.
        using var activity = PortalMetrics.Activities.StartActivity("redeem");
        try
        {
            var result = await RedeemOnceOrReplayAsync(request, actor, cancellationToken);
            metrics.Redemption(result.Replayed ? "replayed" : "redeemed");
            activity?.SetTag("rewardportal.redemption.id", result.Redemption.Id);
            // Debug: at thousands of redemptions a second a line each would hold up the console; decisions log at Information.
            if (!result.Replayed && logger.IsEnabled(LogLevel.Debug))
                using (LogScopes.Redemption(logger, result.Redemption.Id))
                    logger.LogDebug("Redemption {RedemptionId} of reward {RewardId} by participant {ParticipantId}: {Status}.",
                        result.Redemption.Id, result.Redemption.RewardId, result.Redemption.ParticipantId, result.Redemption.Status);
            return result;
        }
        catch (PortalException e)
        {
            metrics.Redemption(e.Code ?? "invalid");
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            throw;
        }
    }

    private async Task<RedeemResult> RedeemOnceOrReplayAsync(RedeemRequest request, string actor, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(request.IdempotencyKey) ? null : request.IdempotencyKey.Trim();
        if (key is { Length: > MaxIdempotencyKeyLength })
            throw PortalException.Invalid($"The idempotency key may be at most {MaxIdempotencyKeyLength} characters.", "idempotencyKey");
        var idempotency = key is null ? null : new IdempotencyClaim(
            string.IsNullOrEmpty(request.IdempotencyScope) ? throw new ArgumentException(
                "An idempotency key needs a scope.", nameof(request)) : request.IdempotencyScope,
            key, Hash(request));

        RedemptionPlan plan;
        var asked = Stopwatch.GetTimestamp();
        await planning.WaitAsync(cancellationToken);
        try
        {
            var planned = Stopwatch.GetTimestamp();
            metrics.RedemptionStep("plan.wait", Stopwatch.GetElapsedTime(asked, planned));
            var db = await readContexts.TakeAsync(cancellationToken);
            // A refusal leaves the context as good as it was; anything else and it is not kept.
            var intact = false;
            try
            {
                if (idempotency is not null && await FindReplayAsync(db, idempotency, cancellationToken) is { } earlier)
                {
                    intact = true;
                    return new RedeemResult(earlier, Replayed: true);
                }
                plan = await PlanAsync(db, request, idempotency, cancellationToken);
                intact = true;
            }
            catch (PortalException)
            {
                intact = true;
                throw;
            }
            finally
            {
                await readContexts.ReturnAsync(db, failed: !intact);
            }
            metrics.RedemptionStep("plan", Stopwatch.GetElapsedTime(planned));
        }
        finally
        {
            planning.Release();
        }

        try
        {
            var timings = new WriteTimings();
            var result = await transactions.RunAsync((db, ct) => RedeemOnceAsync(db, plan, actor, ct), cancellationToken, timings);
            metrics.RedemptionWrite(timings);
            if (!result.Replayed)
                signal.DeliveriesWritten();
            return result;
        }
        catch (DbException) when (idempotency is not null)
        {
            // Two requests with one key raced past the plan's look-up; the unique index let one win. Answer with the winner.
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var winner = await FindReplayAsync(db, idempotency, cancellationToken);
            if (winner is null)
                throw;
            return new RedeemResult(winner, Replayed: true);
        }
    }

    /// <summary>What a redemption needs, read before its write transaction, which on SQLite is one at a time: the less it does, the more go through.</summary>
    private sealed record RedemptionPlan(
        Reward Reward, Participant Participant, IdempotencyClaim? Idempotency, List<NotificationTarget> OnRequested,
        List<NotificationTarget> OnFulfilled);

    /// <summary>A request's idempotency key, whose it is, and a hash of what it asked for.</summary>
    private sealed record IdempotencyClaim(string Scope, string Key, string RequestHash);

    private async Task<RedemptionPlan> PlanAsync(
        RewardPortalDbContext db, RedeemRequest request, IdempotencyClaim? idempotency, CancellationToken cancellationToken)
    {
        var reward = await RewardById.For(db)(db, request.RewardId, cancellationToken);
        if (reward is null || reward.IsDeleted)
            throw PortalException.NotFound("The reward");
        if (!reward.IsEnabled)
            throw PortalException.Conflict($"{reward.Name} is not available for redemption right now.", RedemptionErrors.RewardUnavailable);
        var participant = await ParticipantQueries.ById.For(db)(db, request.ParticipantId, cancellationToken)
            ?? throw PortalException.NotFound("The participant");
        if (participant.IsSuspended)
            throw Suspended();
        // The matcher knows which rewards are limited to campaigns: for the rest (most), no query.
        var matcher = await events.MatcherAsync(db, cancellationToken);
        if (matcher.CampaignsOf(reward.Id).Count > 0 && !await CampaignAccess.IsVisibleAsync(db, reward.Id, participant.Id, cancellationToken))
            throw PortalException.Conflict($"{reward.Name} is only for participants of its campaigns, and this participant is in none of them.",
                RedemptionErrors.RewardRestricted);
        var subject = new EventSubject(ParticipantId: participant.Id, RewardId: reward.Id, RewardType: reward.Type);
        var onRequested = matcher.Match(EventTypes.RedemptionRequested, subject);
        var onFulfilled = reward.Type == RewardType.VoucherCode ? matcher.Match(EventTypes.RedemptionFulfilled, subject) : [];
        return new RedemptionPlan(reward, participant, idempotency, onRequested, onFulfilled);
    }

    private async Task<RedeemResult> RedeemOnceAsync(RewardPortalDbContext db, RedemptionPlan plan, string actor, CancellationToken cancellationToken)
    {
        var (reward, participant) = (plan.Reward, plan.Participant);
        // A retry committed since the plan (or earlier in the same batch) is not looked for again here: its key's unique
        // index refuses this insert, and the caller answers with the one that won.

        // Microseconds, as PostgreSQL keeps them: the answer built from these values matches the row read back later.
        var now = clock.GetUtcNow().UtcDateTime;
        now = now.AddTicks(-(now.Ticks % 10));
        var balances = await DebitAsync(db, participant.Id, reward.CostCurrency, reward.Cost, cancellationToken)
            ?? throw await NotDebitedAsync(db, reward, participant.Id, cancellationToken);
        (participant.PointsBalance, participant.CashBalanceMinor) = balances;
        if (reward.Stock is not null && await db.Rewards.Where(r => r.Id == reward.Id && r.Stock > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock - 1), cancellationToken) == 0)
            throw PortalException.Conflict($"{reward.Name} is out of stock.", RedemptionErrors.OutOfStock);

        // The rows go in through plain statements (RowInsert), not SaveChanges: on SQLite every redemption waits behind this one.
        var redemption = Redemption.Requested(participant.Id, reward, actor, now);
        (redemption.IdempotencyKey, redemption.IdempotencyScope, redemption.RequestHash) =
            (plan.Idempotency?.Key, plan.Idempotency?.Scope, plan.Idempotency?.RequestHash);
        await RowInsert.InsertAsync(db, redemption, cancellationToken);
        await AddHistoryAsync(db, redemption, redemption.History[0], cancellationToken);

        await RowInsert.InsertAsync(db, new LedgerEntry
        {
            ParticipantId = participant.Id, Currency = reward.CostCurrency, Amount = -reward.Cost,
            BalanceAfter = reward.CostCurrency == Currency.Points ? balances.Points : balances.Cash,
            Kind = LedgerEntryKind.Redemption, Reason = $"Redeemed {reward.Name}", Actor = actor, RedemptionId = redemption.Id, CreatedAt = now,
        }, cancellationToken);
        var subject = new EventSubject(redemption.Id, participant.Id, reward.Id, reward.Type);
        await events.WriteAsync(db, EventTypes.RedemptionRequested, RedemptionEventData.Of(redemption, participant), subject, plan.OnRequested,
            cancellationToken);

        if (reward.Type == RewardType.VoucherCode)
        {
            // A code is handed over at once: the redemption is fulfilled in the same transaction.
            redemption.VoucherCode = await ClaimVoucherCodeAsync(db, reward.Id, redemption.Id, now, cancellationToken)
                ?? throw PortalException.Conflict($"{reward.Name} has no codes left.", RedemptionErrors.VoucherPoolEmpty);
            redemption.Status = RedemptionStatus.Fulfilled;
            redemption.DecidedAt = now;
            redemption.DecidedBy = SystemActor;
            await db.Redemptions.Where(r => r.Id == redemption.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.VoucherCode, redemption.VoucherCode).SetProperty(r => r.Status, RedemptionStatus.Fulfilled)
                .SetProperty(r => r.DecidedAt, now).SetProperty(r => r.DecidedBy, SystemActor), cancellationToken);
            await AddHistoryAsync(db, redemption,
                new RedemptionStatusChange { Status = RedemptionStatus.Fulfilled, Actor = SystemActor, Message = "Voucher code issued", At = now },
                cancellationToken);
            await events.WriteAsync(db, EventTypes.RedemptionFulfilled, RedemptionEventData.Of(redemption, participant), subject, plan.OnFulfilled,
                cancellationToken);
        }

        await RowInsert.InsertAsync(db,
            AuditLog.Entry(actor, "redemption.requested", nameof(Redemption), redemption.Id, $"{reward.Name} for participant {participant.Id}"),
            cancellationToken);
        if (reward.Stock is not null || reward.Type == RewardType.VoucherCode)
        {
            await lowStock.CheckAsync(db, reward.Id, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        return new RedeemResult(redemption, Replayed: false, participant);
    }

    private static async Task AddHistoryAsync(
        RewardPortalDbContext db, Redemption redemption, RedemptionStatusChange change, CancellationToken cancellationToken)
    {
        change.RedemptionId = redemption.Id;
        await RowInsert.InsertAsync(db, change, cancellationToken);
        if (!redemption.History.Contains(change))
            redemption.History.Add(change);
    }

    /// <summary>
    /// Lowers the balance in one statement that checks it first, so it never goes below zero, and honours a suspension
    /// made since the participant was read.
    /// </summary>
    /// <returns>Both balances after the debit, or null when it was refused.</returns>
    internal static async Task<(long Points, long Cash)?> DebitAsync(
        RewardPortalDbContext db, long participantId, Currency currency, long amount, CancellationToken cancellationToken)
    {
        var column = currency == Currency.Points ? "PointsBalance" : "CashBalanceMinor";
        await using var debit = RawCommand.Create(db, $"""
            UPDATE "Participants" SET "{column}" = "{column}" - @amount
            WHERE "Id" = @id AND "{column}" >= @amount AND NOT "IsSuspended"
            RETURNING "PointsBalance", "CashBalanceMinor"
            """, "@amount", "@id").With(amount, participantId);
        await using var reader = await debit.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private async Task<PortalException> NotDebitedAsync(RewardPortalDbContext db, Reward reward, long participantId, CancellationToken cancellationToken) =>
        await db.Participants.AnyAsync(p => p.Id == participantId && p.IsSuspended, cancellationToken)
            ? Suspended()
            : PortalException.Conflict(
                $"Not enough {(reward.CostCurrency == Currency.Points ? "points" : "cash")}: "
                    + $"{reward.Name} costs {money.Format(reward.CostCurrency, reward.Cost)}.",
                RedemptionErrors.InsufficientBalance);

    private static PortalException Suspended() =>
        PortalException.Conflict("This participant's account is suspended, so it cannot redeem rewards.", RedemptionErrors.ParticipantSuspended);

    /// <summary>Takes the oldest unclaimed code. The claim re-checks that the code is still free, so two claims never share one.</summary>
    private static async Task<string?> ClaimVoucherCodeAsync(
        RewardPortalDbContext db, long rewardId, long redemptionId, DateTime now, CancellationToken cancellationToken)
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

    // The reads every redemption makes before its write, compiled (CompiledQuery).
    private static readonly CompiledQuery<Func<RewardPortalDbContext, long, CancellationToken, Task<Reward?>>> RewardById =
        new(() => EF.CompileAsyncQuery((RewardPortalDbContext db, long id, CancellationToken _) => db.Rewards.AsNoTracking().FirstOrDefault(r => r.Id == id)));

    private static readonly CompiledQuery<Func<RewardPortalDbContext, long, CancellationToken, Task<Redemption>>> RedemptionById =
        new(() => EF.CompileAsyncQuery((RewardPortalDbContext db, long id, CancellationToken _) => db.Redemptions.AsNoTracking().First(r => r.Id == id)));

    // Almost every key is new: a plain look-up answers those, and EF reads the redemption only for a replay.
    private const string KeyLookup =
        """SELECT "Id", "RequestHash" FROM "Redemptions" WHERE "IdempotencyScope" = @scope AND "IdempotencyKey" = @key LIMIT 1""";

    private static async Task<Redemption?> FindReplayAsync(RewardPortalDbContext db, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        var earlier = await RawCommand.FirstRowAsync(db, KeyLookup, ["@scope", "@key"], [claim.Scope, claim.Key],
            reader => (Id: reader.GetInt64(0), RequestHash: reader.IsDBNull(1) ? null : reader.GetString(1)), cancellationToken);
        if (earlier.Id == 0) // no row: ids start at 1
            return null;
        if (earlier.RequestHash != claim.RequestHash)
            throw PortalException.Invalid(
                "This Idempotency-Key was already used for a different request.", "idempotencyKey", RedemptionErrors.IdempotencyKeyReused);
        return await RedemptionById.For(db)(db, earlier.Id, cancellationToken);
    }

    private static string Hash(RedeemRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.ParticipantId}:{request.RewardId}")))[..32];
}
