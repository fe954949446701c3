using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.ApiKeys;

/// <summary>
/// When each API key was last used, kept in memory by the requests and written to the database in one short batch every
/// <see cref="FlushInterval"/> (and at shutdown): a request never waits on, or fails for, this bookkeeping.
/// </summary>
public sealed class ApiKeyUsage(IDbContextFactory<RewardPortalDbContext> dbFactory, ILogger<ApiKeyUsage> logger)
{
    /// <summary>"Last used" is shown to the minute; a quarter of that keeps it right without writing on every call.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<long, DateTime> lastUsed = new();

    public void Used(long keyId, DateTime at) => lastUsed[keyId] = at;

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (lastUsed.IsEmpty)
            return;
        var batch = new List<(long KeyId, DateTime At)>();
        foreach (var keyId in lastUsed.Keys)
            if (lastUsed.TryRemove(keyId, out var at))
                batch.Add((keyId, at));
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (keyId, at) in batch)
                await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        // A database that cannot take the write (full disk, read-only file) loses only this bookkeeping, never a request.
        catch (System.Data.Common.DbException e)
        {
            logger.LogWarning("Could not record when {Count} API keys were last used: {Error}", batch.Count, e.Message);
        }
    }
}

/// <summary>Writes <see cref="ApiKeyUsage"/> every <see cref="ApiKeyUsage.FlushInterval"/>, and once more when the app stops.</summary>
public sealed class ApiKeyUsageWriter(ApiKeyUsage usage, TimeProvider clock, ILogger<ApiKeyUsageWriter> logger) : BackgroundService
{
    /// <summary>The last write is worth a moment, not the shutdown: a stamp lost is only a less recent "last used".</summary>
    public static readonly TimeSpan LastFlushBound = TimeSpan.FromSeconds(2);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await BoundedStop.WithinAsync(base.StopAsync(cancellationToken), LastFlushBound))
            logger.LogWarning("Could not record when API keys were last used within {Bound} of the stop; the app stops without it.", LastFlushBound);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ApiKeyUsage.FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await usage.FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await usage.FlushAsync(CancellationToken.None);
    }
}
