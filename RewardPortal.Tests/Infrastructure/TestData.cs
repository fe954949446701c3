using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The one test-data builder. This part writes plain rows into a database (an open context, or a factory for one context a
/// row); <c>TestData.App.cs</c> goes through a hosted app's services. A user who signs in comes from <see cref="TestUsers"/>;
/// <see cref="User"/> is only the row, for tests over a bare database.
/// Redemptions are made by Core's <see cref="Core.Redemptions.Redemption.Requested"/>, as the redemption service makes them.
/// </summary>
public static partial class TestData
{
    /// <summary>A user's row alone (no password, no role), for tests over a bare database, where Identity is not hosted.</summary>
    public static AppUser User(string email, string? id = null, string name = "") => new()
    {
        Id = id ?? Guid.NewGuid().ToString(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
        NormalizedEmail = email.ToUpperInvariant(), DisplayName = name, CreatedAt = DateTime.UtcNow,
    };

    public static async Task<Participant> ParticipantAsync(this RewardPortalDbContext db, long points = 0, long cashMinor = 0,
        bool suspended = false, PostalAddress? address = null)
    {
        var participant = new Participant
        {
            Name = "Ada Lovelace", Email = $"{Guid.NewGuid():N}@participants.test", PointsBalance = points, CashBalanceMinor = cashMinor,
            IsSuspended = suspended, Address = address ?? new(), CreatedAt = DateTime.UtcNow,
        };
        db.Participants.Add(participant);
        await db.SaveChangesAsync();
        return participant;
    }

    /// <summary>A reward with <paramref name="codes"/> voucher codes, sent to <paramref name="webhooks"/> (rows of another context).</summary>
    public static async Task<Reward> RewardAsync(this RewardPortalDbContext db, RewardType type = RewardType.Custom, long cost = 10, long? stock = null,
        int codes = 0, Currency currency = Currency.Points, bool enabled = true, IEnumerable<Notification>? webhooks = null)
    {
        var now = DateTime.UtcNow;
        var reward = new Reward
        {
            Name = $"{type} reward {Guid.NewGuid():N}", Type = type, Cost = cost, CostCurrency = currency, Stock = stock, StockCapacity = stock,
            IsEnabled = enabled, Metadata = new() { ["sku"] = "X-1" }, CreatedAt = now, UpdatedAt = now,
        };
        foreach (var webhook in webhooks ?? [])
        {
            db.Attach(webhook);
            reward.Webhooks.Add(webhook);
        }
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        db.VoucherCodes.AddRange(Enumerable.Range(1, codes).Select(i => new VoucherCode { RewardId = reward.Id, Code = $"CODE-{reward.Id}-{i:D3}",
            CreatedAt = now }));
        await db.SaveChangesAsync();
        return reward;
    }

    public static async Task<(Participant Participant, Reward Reward)> ParticipantAndRewardAsync(this RewardPortalDbContext db,
        RewardType type = RewardType.Custom, long points = 0) =>
        (await db.ParticipantAsync(points), await db.RewardAsync(type));

    /// <summary>A requested redemption, unsaved (<see cref="Core.Redemptions.Redemption.Requested"/>), then set to <paramref name="status"/>.</summary>
    public static Redemption Redemption(Participant participant, Reward reward, RedemptionStatus status = RedemptionStatus.Requested)
    {
        var redemption = Core.Redemptions.Redemption.Requested(participant.Id, reward, actor: "participant", DateTime.UtcNow);
        redemption.Status = status;
        return redemption;
    }

    /// <summary>A notification for <paramref name="eventType"/> and <paramref name="types"/> (every type when none), enabled.</summary>
    public static async Task<Notification> NotificationAsync(this RewardPortalDbContext db, NotificationChannel channel,
        string eventType = Core.Events.EventTypes.RedemptionRequested, params RewardType[] types)
    {
        var notification = new Notification
        {
            Channel = channel, EventTypes = [eventType], RedemptionTypes = [.. types],
            WebhookUrl = channel == NotificationChannel.Webhook ? "https://example.com/hook" : null,
            Secret = channel == NotificationChannel.Webhook ? WebhookSecret.New() : null,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification;
    }

    public static async Task<Participant> ParticipantAsync(this IDbContextFactory<RewardPortalDbContext> database, long points = 0, long cashMinor = 0,
        bool suspended = false, PostalAddress? address = null)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.ParticipantAsync(points, cashMinor, suspended, address);
    }

    public static async Task<Reward> RewardAsync(this IDbContextFactory<RewardPortalDbContext> database, RewardType type = RewardType.Custom, long cost = 10,
        long? stock = null, int codes = 0, Currency currency = Currency.Points, bool enabled = true, IEnumerable<Notification>? webhooks = null)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.RewardAsync(type, cost, stock, codes, currency, enabled, webhooks);
    }

    public static async Task<Notification> NotificationAsync(this IDbContextFactory<RewardPortalDbContext> database, NotificationChannel channel,
        string eventType = Core.Events.EventTypes.RedemptionRequested, params RewardType[] types)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.NotificationAsync(channel, eventType, types);
    }
}
