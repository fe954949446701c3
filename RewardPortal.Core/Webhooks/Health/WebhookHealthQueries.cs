using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Webhooks;

/// <summary>The last failed attempt of a webhook in the last 7 days.</summary>
public sealed record WebhookError(DateTime At, int? StatusCode, string? Error);

public sealed record WebhookHealthRow(
    long Id, string Name, string? Url, bool IsEnabled, string? DisabledReason, DateTime? DisabledSince, EndpointHealth Health, WebhookError? LastError)
{
    public EndpointState State => HealthFigures.State(Health, IsEnabled);
}

/// <summary>
/// Each webhook's health from its attempts of the last 7 days. The tables hold a year, so nothing here walks them:
/// one seek on the Deliveries.CreatedAt index finds the first delivery that can have an attempt in the window, then each
/// webhook's deliveries from there come by the ("NotificationId", "Id") index and their attempts by ("DeliveryId", "Id").
/// </summary>
public sealed class WebhookHealthQueries(IDbContextFactory<RewardPortalDbContext> dbFactory, IOptions<WebhookOptions> options, TimeProvider clock)
{
    /// <summary>Every webhook not deleted, worst first.</summary>
    public async Task<List<WebhookHealthRow>> ListAsync(bool enabledOnly = false, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var webhooks = await db.Notifications.AsNoTracking()
            .Where(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted && (!enabledOnly || n.IsEnabled)).OrderBy(n => n.Id)
            .Select(n => new { n.Id, n.Name, n.WebhookUrl, n.IsEnabled, n.DisabledReason, n.DisabledAt, n.UpdatedAt })
            .ToListAsync(cancellationToken);
        if (webhooks.Count == 0)
            return [];
        var ids = webhooks.Select(w => w.Id).ToList();
        var from = now - HealthFigures.Week;
        var attempts = await AttemptsSinceAsync(db, ids, from, cancellationToken);
        var lastFailureIds = attempts.Where(a => !a.Succeeded).GroupBy(a => a.NotificationId).Select(g => g.Max(a => a.Id)).ToList();
        var errors = await db.DeliveryAttempts.AsNoTracking().Where(a => lastFailureIds.Contains(a.Id))
            .Join(db.Deliveries, a => a.DeliveryId, d => d.Id, (a, d) => new { d.NotificationId, a.StartedAt, a.StatusCode, a.Error })
            .ToDictionaryAsync(e => e.NotificationId, e => new WebhookError(e.StartedAt, e.StatusCode, e.Error), cancellationToken);
        var byWebhook = attempts.ToLookup(a => a.NotificationId, a => new AttemptPoint(a.StartedAt, a.Succeeded, a.DurationMs));
        return webhooks
            .Select(w => new WebhookHealthRow(w.Id, w.Name, w.WebhookUrl, w.IsEnabled, w.DisabledReason,
                w.IsEnabled ? null : w.DisabledAt ?? w.UpdatedAt,
                HealthFigures.Compute(byWebhook[w.Id].ToList(), now), errors.GetValueOrDefault(w.Id)))
            .OrderBy(r => r.State).ThenBy(r => r.Id).ToList();
    }

    public async Task<WebhookHealthRow?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken: cancellationToken)).FirstOrDefault(r => r.Id == id);

    private sealed record AttemptRow(long NotificationId, long Id, DateTime StartedAt, bool Succeeded, int DurationMs);

    /// <summary>The attempts made since <paramref name="from"/>, in the order they were made.</summary>
    private async Task<List<AttemptRow>> AttemptsSinceAsync(RewardPortalDbContext db, List<long> ids, DateTime from, CancellationToken cancellationToken)
    {
        // A delivery's attempts come within the retry schedule of its creation; older ones are only re-sent by hand.
        var oldest = from - RetrySpan(options.Value);
        // One seek on the CreatedAt index. Ids follow creation (one writer on SQLite, a sequence on PostgreSQL) closely
        // enough for a bound that already has the retry schedule's margin; MIN(Id) instead walks the year by rowid on SQLite.
        var firstDelivery = await db.Deliveries.Where(d => d.CreatedAt >= oldest).OrderBy(d => d.CreatedAt)
            .Select(d => (long?)d.Id).FirstOrDefaultAsync(cancellationToken);
        if (firstDelivery is not { } firstId)
            return [];
        return await db.Deliveries.AsNoTracking()
            .Where(d => ids.Contains(d.NotificationId) && d.Id >= firstId)
            .Join(db.DeliveryAttempts, d => d.Id, a => a.DeliveryId, (d, a) => new { d.NotificationId, a })
            .Where(x => x.a.StartedAt >= from)
            .OrderBy(x => x.a.StartedAt).ThenBy(x => x.a.Id)
            .Select(x => new AttemptRow(x.NotificationId, x.a.Id, x.a.StartedAt, x.a.Succeeded, x.a.DurationMs))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The longest a delivery's scheduled attempts can stretch: every delay, each stretched by the longest Retry-After honoured,
    /// and each timeout.
    /// </summary>
    internal static TimeSpan RetrySpan(WebhookOptions options) =>
        options.Schedule.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay + options.MaxRetryAfter + options.Timeout);
}
