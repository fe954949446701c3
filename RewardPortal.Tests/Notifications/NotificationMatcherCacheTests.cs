using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Notifications;

/// <summary>
/// The notification matcher is kept between events and read again only when the database's change counter moved. The
/// counter is raised by triggers, so every way of changing what matching reads must raise it, and an edit must count
/// from its commit on exactly as when the notifications were read for each event.
/// </summary>
public sealed class NotificationMatcherCacheTests
{
    public static TheoryData<string> Providers() => TestProviders.All();

    private static EventSubject Redeemed(Reward reward) => new(ParticipantId: 1, RewardId: reward.Id, RewardType: reward.Type);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryChangeToWhatMatchingReadsRaisesTheCounterAndNothingElseDoes(string provider)
    {
        using var database = new ProviderTestDatabase(provider);
        await using var db = await database.CreateDbContextAsync();
        var reward = await db.RewardAsync(stock: 5);
        var campaign = new Campaign { Name = "Spring", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();

        async Task RaisesAsync(string change, Func<Task> act)
        {
            var before = await CounterAsync(db);
            await act();
            Assert.True(await CounterAsync(db) > before, $"{change} did not raise the counter");
        }

        Notification notification = null!;
        await RaisesAsync("a new notification", async () => notification = await db.NotificationAsync(NotificationChannel.Webhook));
        await RaisesAsync("an edit", async () =>
        {
            notification.Name = "Fulfilment";
            await db.SaveChangesAsync();
        });
        await RaisesAsync("a reward assigned to a webhook", async () =>
        {
            notification.Rewards.Add(reward);
            await db.SaveChangesAsync();
        });
        await RaisesAsync("a campaign given to a notification", async () =>
        {
            notification.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
        });
        await RaisesAsync("a campaign given to a reward", async () =>
        {
            reward.Campaigns.Add(campaign);
            await db.SaveChangesAsync();
        });
        await RaisesAsync("an UPDATE by hand", () =>
            db.Database.ExecuteSqlRawAsync("""UPDATE "Notifications" SET "IsEnabled" = false WHERE "Id" = {0}""", notification.Id));
        await RaisesAsync("assignments taken away", async () =>
        {
            notification.Rewards.Clear();
            notification.Campaigns.Clear();
            reward.Campaigns.Clear();
            await db.SaveChangesAsync();
        });
        await RaisesAsync("a notification deleted", () => db.Notifications.Where(n => n.Id == notification.Id).ExecuteDeleteAsync());

        var unchanged = await CounterAsync(db);
        await db.Rewards.Where(r => r.Id == reward.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock - 1));
        Assert.Equal(unchanged, await CounterAsync(db));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnEditCountsFromItsCommitOnEvenWhenMadeByHand(string provider)
    {
        using var database = new ProviderTestDatabase(provider);
        await using var db = await database.CreateDbContextAsync();
        var reward = await db.RewardAsync();
        var email = await db.NotificationAsync(NotificationChannel.Email);
        var cache = new NotificationMatcherCache();

        var first = await cache.CurrentAsync(db);
        Assert.Equal([email.Id], first.Match(EventTypes.RedemptionRequested, Redeemed(reward)).Select(n => n.Id));
        Assert.Same(first, await cache.CurrentAsync(db));

        await db.Database.ExecuteSqlRawAsync("""UPDATE "Notifications" SET "IsEnabled" = false WHERE "Id" = {0}""", email.Id);
        Assert.Empty((await cache.CurrentAsync(db)).Match(EventTypes.RedemptionRequested, Redeemed(reward)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task WhatATransactionSawIsNotKeptSinceItMayRollBack(string provider)
    {
        using var database = new ProviderTestDatabase(provider);
        await using var db = await database.CreateDbContextAsync();
        var reward = await db.RewardAsync();
        var cache = new NotificationMatcherCache();
        Assert.Empty((await cache.CurrentAsync(db)).Match(EventTypes.RedemptionRequested, Redeemed(reward)));

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var rolledBack = await db.NotificationAsync(NotificationChannel.Email, EventTypes.RedemptionRefused);
            Assert.Equal([rolledBack.Id], (await cache.CurrentAsync(db)).Match(EventTypes.RedemptionRefused, Redeemed(reward)).Select(n => n.Id));
            await transaction.RollbackAsync();
        }
        db.ChangeTracker.Clear();

        // Another edit commits and raises the counter to the number the rolled-back one had (SQLite may even give it the same id).
        await using var other = await database.CreateDbContextAsync();
        var committed = await other.NotificationAsync(NotificationChannel.Email);
        var matcher = await cache.CurrentAsync(db);
        Assert.Equal([committed.Id], matcher.Match(EventTypes.RedemptionRequested, Redeemed(reward)).Select(n => n.Id));
        Assert.Empty(matcher.Match(EventTypes.RedemptionRefused, Redeemed(reward)));
    }

    private static Task<long> CounterAsync(RewardPortalDbContext db) =>
        db.ChangeCounters.Where(c => c.Name == NotificationMatcherTriggers.Counter).Select(c => c.Value).SingleAsync();
}
