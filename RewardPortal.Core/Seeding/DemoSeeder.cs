using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Data;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Seeding;

/// <summary>A small living program for a first look. Every item is matched by its natural key, so seeding twice adds nothing.</summary>
public sealed class DemoSeeder(RewardPortalDbContext db, UserManager<AppUser> users, ILogger<DemoSeeder> logger)
{
    /// <summary>The password of every demo account; demo data is for a first look, never for production.</summary>
    public const string DemoPassword = "Demo-Passw0rd!";

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        var now = DateTime.UtcNow;
        var admin = await EnsureUserAsync("admin@example.com", "Avery Admin", Roles.Admin);
        var team = await EnsureUserAsync("team@example.com", "Taylor Fulfilment", Roles.TeamMember);

        await EnsureParticipantAsync("ada@example.com", "Ada Lovelace", 2_500, 5_000,
            new PostalAddress { Line1 = "12 St James's Square", City = "London", PostalCode = "SW1Y 4JH", Country = "GB" },
            new() { ["T-shirt size"] = "M", ["Team"] = "Engineering" }, now, cancellationToken);
        await EnsureParticipantAsync("grace@example.com", "Grace Hopper", 800, 0,
            new PostalAddress { Line1 = "1 Navy Yard", City = "Arlington", Region = "VA", PostalCode = "22202", Country = "US" },
            new() { ["T-shirt size"] = "S" }, now, cancellationToken);
        await EnsureParticipantAsync("alan@example.com", "Alan Turing", 12_000, 2_500,
            new PostalAddress { Line1 = "Bletchley Park", City = "Milton Keynes", PostalCode = "MK3 6EB", Country = "GB" },
            new() { ["T-shirt size"] = "L", ["Team"] = "Research" }, now, cancellationToken);

        var webhook = await db.Notifications.FirstOrDefaultAsync(n => n.Name == "Demo: fulfilment system", cancellationToken);
        if (webhook is null)
        {
            webhook = new Notification
            {
                Channel = NotificationChannel.Webhook,
                EventTypes = [EventTypes.RedemptionRequested],
                Name = "Demo: fulfilment system",
                WebhookUrl = "https://fulfilment.example.com/hooks/rewards",
                // Off until someone points it at a real receiver, as a program would before going live.
                IsEnabled = false,
                Secret = WebhookSecret.New(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Notifications.Add(webhook);
        }
        if (!await db.Notifications.AnyAsync(n => n.Name == "Demo: custom rewards to the fulfilment team", cancellationToken))
        {
            db.Notifications.Add(new Notification
            {
                Channel = NotificationChannel.Email,
                EventTypes = [EventTypes.RedemptionRequested],
                RedemptionTypes = [RewardType.Custom, RewardType.GiftCard],
                Name = "Demo: custom rewards to the fulfilment team",
                Recipients = [team],
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        if (!await db.Notifications.AnyAsync(n => n.Name == "Tell the participant", cancellationToken))
        {
            db.Notifications.Add(new Notification
            {
                Channel = NotificationChannel.Email,
                EventTypes = [EventTypes.RedemptionFulfilled, EventTypes.RedemptionRefused],
                RedemptionTypes = [.. Enum.GetValues<RewardType>()],
                Name = "Tell the participant",
                NotifyParticipant = true,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);

        await EnsureRewardAsync(new Reward
        {
            Name = "Branded hoodie", Description = "A warm hoodie with the program's logo, shipped to your address.",
            Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 500, Stock = 40, StockCapacity = 40,
            Metadata = new() { ["sku"] = "HOOD-001", ["vendor"] = "Print shop" }, Webhooks = [webhook],
        }, now, cancellationToken);
        var coffee = await EnsureRewardAsync(new Reward
        {
            Name = "Coffee voucher", Description = "A code for one coffee at any partner cafe.",
            Type = RewardType.VoucherCode, CostCurrency = Currency.Points, Cost = 200,
            Metadata = new() { ["partner"] = "Bean There" },
        }, now, cancellationToken);
        await EnsureRewardAsync(new Reward
        {
            Name = "Bookshop gift card", Description = "A 25.00 gift card for the bookshop of your choice.",
            Type = RewardType.GiftCard, CostCurrency = Currency.Points, Cost = 2_500,
            Metadata = new() { ["face_value"] = "25.00", ["currency"] = "USD" },
        }, now, cancellationToken);
        await EnsureRewardAsync(new Reward
        {
            Name = "Cash out 10.00", Description = "10.00 paid to your account on file.",
            Type = RewardType.Cash, CostCurrency = Currency.Cash, Cost = 1_000,
            Metadata = new() { ["payout"] = "bank transfer" },
        }, now, cancellationToken);

        if (!await db.VoucherCodes.AnyAsync(v => v.RewardId == coffee.Id, cancellationToken))
        {
            for (var i = 1; i <= 20; i++)
                db.VoucherCodes.Add(new VoucherCode { RewardId = coffee.Id, Code = $"COFFEE-{i:D4}-DEMO", CreatedAt = now });
        }
        await db.SaveChangesAsync(cancellationToken);
        await SeedCampaignsAsync(team, now, cancellationToken);
        logger.LogInformation(
            "Demo data is in place. Demo accounts use the password {Password}: admin@example.com, team@example.com, ada@example.com.", DemoPassword);
    }

    /// <summary>Two campaigns a program might run side by side, each with members, a reward of its own, and (Spring) a notification of its own.</summary>
    private async Task SeedCampaignsAsync(AppUser team, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.AnyAsync(cancellationToken))
            return;
        var spring = new Campaign
        {
            Name = "Spring referral push", Description = "Refer a friend between March and May; members redeem the spring tote.",
            StartsAt = new DateTime(now.Year, 3, 1, 0, 0, 0, DateTimeKind.Utc), EndsAt = new DateTime(now.Year, 5, 31, 0, 0, 0, DateTimeKind.Utc),
            CreatedAt = now, UpdatedAt = now,
        };
        var loyalty = new Campaign { Name = "Loyalty programme", Description = "Year-round points for loyal customers.", CreatedAt = now, UpdatedAt = now };
        db.Campaigns.AddRange(spring, loyalty);
        await db.SaveChangesAsync(cancellationToken);
        var ids = await db.Participants.Where(p => p.Email == "ada@example.com" || p.Email == "grace@example.com" || p.Email == "alan@example.com")
            .ToDictionaryAsync(p => p.Email, p => p.Id, cancellationToken);
        foreach (var (campaign, email) in new[]
        {
            (spring, "ada@example.com"), (spring, "grace@example.com"), (loyalty, "ada@example.com"), (loyalty, "alan@example.com"),
        })
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, ParticipantId = ids[email], AddedAt = now });
        await EnsureRewardAsync(new Reward
        {
            Name = "Spring tote bag", Description = "A canvas tote for those in the spring referral push.",
            Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 300, Campaigns = [spring],
        }, now, cancellationToken);
        await EnsureRewardAsync(new Reward
        {
            Name = "Loyalty mug", Description = "A mug for members of the loyalty programme.",
            Type = RewardType.Custom, CostCurrency = Currency.Points, Cost = 400, Campaigns = [loyalty],
        }, now, cancellationToken);
        db.Notifications.Add(new Notification
        {
            Channel = NotificationChannel.Email, EventTypes = [EventTypes.RedemptionRequested], RedemptionTypes = [RewardType.Custom],
            Name = "Demo: spring redemptions to the fulfilment team", Recipients = [team], Campaigns = [spring], CreatedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<AppUser> EnsureUserAsync(string email, string name, string role)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
            return user;
        user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = DateTime.UtcNow };
        Check(await users.CreateAsync(user, DemoPassword));
        Check(await users.AddToRoleAsync(user, role));
        return user;
    }

    private async Task EnsureParticipantAsync(string email, string name, long points, long cashMinor, PostalAddress address,
        Dictionary<string, string> customFields, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.Participants.AnyAsync(p => p.Email == email, cancellationToken))
            return;
        var user = await EnsureUserAsync(email, name, Roles.Participant);
        var participant = new Participant
        {
            Name = name, Email = email, Address = address, CustomFields = customFields,
            PointsBalance = points, CashBalanceMinor = cashMinor, UserId = user.Id, CreatedAt = now,
        };
        db.Participants.Add(participant);
        await db.SaveChangesAsync(cancellationToken);
        db.LedgerEntries.Add(
            new LedgerEntry
            {
                ParticipantId = participant.Id, Currency = Currency.Points, Amount = points, BalanceAfter = points, Kind = LedgerEntryKind.Award,
                Reason = "Welcome bonus", Actor = "demo seed", CreatedAt = now,
            });
        if (cashMinor > 0)
            db.LedgerEntries.Add(
                new LedgerEntry
                {
                    ParticipantId = participant.Id, Currency = Currency.Cash, Amount = cashMinor, BalanceAfter = cashMinor, Kind = LedgerEntryKind.Award,
                    Reason = "Referral commission", Actor = "demo seed", CreatedAt = now,
                });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<Reward> EnsureRewardAsync(Reward reward, DateTime now, CancellationToken cancellationToken)
    {
        var existing = await db.Rewards.FirstOrDefaultAsync(r => r.Name == reward.Name, cancellationToken);
        if (existing is not null)
            return existing;
        reward.CreatedAt = reward.UpdatedAt = now;
        db.Rewards.Add(reward);
        await db.SaveChangesAsync(cancellationToken);
        return reward;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
