using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The test-data builder's hosted-app part: a quick engine's settings, and data made through the app's real services
/// (NotificationService, ParticipantService, EventRecorder) or its database; nothing here depends on the redemption
/// service or the admin screens.
/// </summary>
public static partial class TestData
{
    /// <summary>Settings for a quick engine: a short timeout and a retry schedule of 8 attempts <paramref name="delay"/> apart (100 ms).</summary>
    public static Dictionary<string, string?> FastRetries(string timeout = "00:00:02", string delay = "00:00:00.100")
    {
        // appsettings.json lists 8 delays; every index is set here, so none of its long ones survive.
        var settings = new Dictionary<string, string?> { ["Webhooks:Timeout"] = timeout };
        for (var i = 0; i < 8; i++)
            settings[$"Webhooks:RetrySchedule:{i}"] = i == 0 ? "00:00:00" : delay;
        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, Dictionary<string, string?> more)
    {
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    public static async Task<T> WithServiceAsync<T, TService>(this PortalFactory factory, Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public static Task<CreatedNotification> CreateWebhookAsync(this PortalFactory factory, string url, params string[] events) =>
        factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput(
                "Webhook to " + url, NotificationChannel.Webhook, events.Length == 0 ? [EventTypes.RedemptionRequested] : events, [], [], url, true),
            "test", isOwner: true));

    public static Task<CreatedNotification> CreateEmailNotificationAsync(
        this PortalFactory factory, IReadOnlyList<string> recipientIds, params RewardType[] types) =>
        factory.WithServiceAsync<CreatedNotification, NotificationService>(s => s.CreateAsync(
            new NotificationInput(
                "Email to the team", NotificationChannel.Email, [EventTypes.RedemptionRequested], types.Length == 0 ? Enum.GetValues<RewardType>() : types,
                recipientIds, null, true),
            "test", isOwner: true));

    public static async Task<Participant> CreateParticipantAsync(this PortalFactory factory, string name = "Ada Lovelace", string? email = null)
    {
        var input = new NewParticipant
        {
            Name = name,
            Email = email ?? $"{Guid.NewGuid():N}@participants.test",
            Address = new PostalAddress { Line1 = "12 St James's Square", Line2 = "Flat <2>", City = "London", PostalCode = "SW1Y 4JH", Country = "GB" },
            CustomFields = new() { ["T-shirt size"] = "M", ["Team"] = "R&D <Engines>" },
        };
        return await factory.Services.GetRequiredService<ParticipantService>().CreateAsync(input, "test");
    }

    public static async Task<Reward> CreateRewardAsync(this PortalFactory factory, RewardType type, params long[] webhookIds)
    {
        await using var db = await factory.CreateDbContextAsync();
        var reward = new Reward
        {
            Name = $"Branded hoodie {type}",
            Description = "A warm hoodie & a <b>logo</b>.",
            Type = type,
            CostCurrency = type == RewardType.Cash ? Currency.Cash : Currency.Points,
            Cost = type == RewardType.Cash ? 1_250 : 500,
            Metadata = new() { ["sku"] = "HOOD-001", ["vendor"] = "Print shop" },
            Webhooks = await db.Notifications.Where(n => webhookIds.Contains(n.Id)).ToListAsync(),
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        };
        db.Rewards.Add(reward);
        await db.SaveChangesAsync();
        return reward;
    }

    /// <summary>A redemption through the outbox, as the redemption service does it: row, event and deliveries in one transaction, then the signal.</summary>
    public static async Task<Redemption> RedeemAsync(this PortalFactory factory, Participant participant, Reward reward, string? voucherCode = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var redemption = Redemption(participant, reward);
        redemption.VoucherCode = voucherCode;
        db.Redemptions.Add(redemption);
        await db.SaveChangesAsync();
        await factory.Services.GetRequiredService<EventRecorder>().RecordAsync(db, EventTypes.RedemptionRequested,
            RedemptionEventData.Of(redemption, participant), new EventSubject(redemption.Id, participant.Id, reward.Id, reward.Type));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        factory.Services.GetRequiredService<IDeliverySignal>().DeliveriesWritten();
        return redemption;
    }

    public static async Task<List<Delivery>> DeliveriesAsync(this PortalFactory factory, long notificationId)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Deliveries.AsNoTracking().Include(d => d.Attempts).Where(d => d.NotificationId == notificationId).OrderBy(d => d.Id).ToListAsync();
    }
}
