using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Rewards;

/// <summary>The rewards catalogue (Portal > Redeem > Rewards and the REST API): every change validated and audited.</summary>
public sealed class RewardService(IDbContextFactory<RewardPortalDbContext> dbFactory, TimeProvider clock)
{
    public const long MaxStock = 1_000_000_000;

    public async Task<List<RewardSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rewards = await db.Rewards.AsNoTracking().Where(r => !r.IsDeleted).OrderBy(r => r.Name).ThenBy(r => r.Id)
            .Select(r => new
            {
                Reward = r,
                Webhooks = r.Webhooks.Where(w => !w.IsDeleted).OrderBy(w => w.Id)
                    .Select(w => new WebhookOption(w.Id, w.Name, w.IsEnabled)).ToList(),
                Campaigns = r.Campaigns.OrderBy(c => c.Name).Select(c => c.Name).ToList(),
            })
            .ToListAsync(cancellationToken);
        var counts = await VoucherPoolService.CountsAsync(db, null, cancellationToken);
        return rewards.Select(x => new RewardSummary(
            x.Reward.Id, x.Reward.Name, x.Reward.Type, x.Reward.CostCurrency, x.Reward.Cost, x.Reward.Stock, x.Reward.IsEnabled,
            x.Reward.ImageUrl, x.Webhooks,
            x.Reward.Type == RewardType.VoucherCode ? counts.GetValueOrDefault(x.Reward.Id, new VoucherCounts(0, 0)) : null, x.Campaigns)).ToList();
    }

    public async Task<Reward> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Rewards.AsNoTracking().Include(r => r.Webhooks).Include(r => r.Campaigns).FirstOrDefaultAsync(
            r => r.Id == id && !r.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The reward");
    }

    /// <summary>The Webhook pick list: the program's webhook notifications (Settings > Notifications), disabled ones included.</summary>
    public async Task<List<WebhookOption>> WebhookOptionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.Channel == NotificationChannel.Webhook && !n.IsDeleted).OrderBy(n => n.Id)
            .Select(n => new WebhookOption(n.Id, n.Name, n.IsEnabled))
            .ToListAsync(cancellationToken);
    }

    public async Task<Reward> CreateAsync(RewardInput input, string actor, CancellationToken cancellationToken = default)
    {
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var reward = new Reward { Name = input.Name.Trim(), CreatedAt = now };
        Apply(reward, input with { SetStock = true }, now);
        reward.Webhooks = await WebhooksAsync(db, input.WebhookIds, cancellationToken);
        reward.Campaigns = await CampaignService.FindAllAsync(db, input.CampaignIds, "campaignIds", cancellationToken);
        db.Rewards.Add(reward);
        await db.SaveChangesAsync(cancellationToken);
        db.Audit(
            actor, "reward.created", nameof(Reward), reward.Id, $"{reward.Name} ({reward.Type.Display()}, {Amounts.Format(reward.CostCurrency, reward.Cost)})");
        await db.SaveChangesAsync(cancellationToken);
        return reward;
    }

    public async Task<Reward> UpdateAsync(long id, RewardInput input, string actor, CancellationToken cancellationToken = default)
    {
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reward = await db.Rewards.Include(r => r.Webhooks).Include(r => r.Campaigns).FirstOrDefaultAsync(r => r.Id == id && !r.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The reward");
        if (reward.Type == RewardType.VoucherCode && input.Type != RewardType.VoucherCode
            && await db.VoucherCodes.AnyAsync(v => v.RewardId == id, cancellationToken))
            throw PortalException.Invalid("This reward has voucher codes, so it stays a voucher code reward.", "type");

        var before = RewardInput.From(reward);
        var webhooks = await WebhooksAsync(db, input.WebhookIds, cancellationToken);
        var campaigns = await CampaignService.FindAllAsync(db, input.CampaignIds, "campaignIds", cancellationToken);
        Apply(reward, input, clock.GetUtcNow().UtcDateTime);
        reward.Webhooks.Clear();
        reward.Webhooks.AddRange(webhooks);
        reward.Campaigns.Clear();
        reward.Campaigns.AddRange(campaigns);
        var changes = Changes(before, input, reward);
        db.Audit(actor, "reward.updated", nameof(Reward), reward.Id, changes.Count == 0 ? "no changes" : string.Join("; ", changes));
        await db.SaveChangesAsync(cancellationToken);
        return reward;
    }

    public async Task SetEnabledAsync(long id, bool enabled, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reward = await db.Rewards.FirstOrDefaultAsync(r => r.Id == id && !r.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The reward");
        if (reward.IsEnabled == enabled)
            return;
        reward.IsEnabled = enabled;
        reward.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        db.Audit(actor, enabled ? "reward.enabled" : "reward.disabled", nameof(Reward), id, reward.Name);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Soft delete: the reward leaves the catalogue, and redemptions that point at it keep their history.</summary>
    public async Task DeleteAsync(long id, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var reward = await db.Rewards.FirstOrDefaultAsync(r => r.Id == id && !r.IsDeleted, cancellationToken)
            ?? throw PortalException.NotFound("The reward");
        reward.IsDeleted = true;
        reward.IsEnabled = false;
        reward.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        db.Audit(actor, "reward.deleted", nameof(Reward), id, reward.Name);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Every broken rule of the input at once, each on its field.</summary>
    internal static void Validate(RewardInput input)
    {
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors.Add("name", "Give the reward a name of 1 to 200 characters.");
        errors.Check(() => TextRules.RequireSingleLine(name, "name", "The name"));
        if (input.Description?.Length > 4000)
            errors.Add("description", "The description is longer than 4000 characters.");
        if (!Enum.IsDefined(input.Type))
            errors.Add("type", "Choose a reward type.");
        if (!Enum.IsDefined(input.CostCurrency))
            errors.Add("costCurrency", "Choose points or cash for the cost.");
        if (input.Cost <= 0)
            errors.Add("cost", "The cost must be more than zero.");
        else if (input.Cost > Amounts.MaxAmount)
            errors.Add("cost", "The cost is too large.");
        if (input.SetStock && input.Stock is < 0 or > MaxStock)
            errors.Add("stock", $"Stock is a whole number from 0 to {MaxStock:N0}, or blank for unlimited.");
        if (!string.IsNullOrWhiteSpace(input.ImageUrl) && !RewardImageUrl.IsAcceptable(input.ImageUrl.Trim()))
            errors.Add("imageUrl", RewardImageUrl.Rule);
        errors.Check(() => KeyValueRules.Validate(input.Metadata, "metadata"));
        errors.ThrowIfAny();
    }

    private static void Apply(Reward reward, RewardInput input, DateTime now)
    {
        reward.Name = input.Name.Trim();
        reward.Description = TextRules.NormaliseMultiLine(input.Description)?.Trim() ?? "";
        reward.Type = input.Type;
        reward.CostCurrency = input.CostCurrency;
        reward.Cost = input.Cost;
        if (input.SetStock)
        {
            // A level set by an admin is the new 100% for the low-stock alert, which may fire again.
            reward.Stock = input.Stock;
            reward.StockCapacity = input.Stock;
            reward.LowStockAlertedAt = null;
        }
        reward.IsEnabled = input.Enabled;
        reward.ImageUrl = string.IsNullOrWhiteSpace(input.ImageUrl) ? null : input.ImageUrl.Trim();
        reward.Metadata = new Dictionary<string, string>(input.Metadata);
        reward.UpdatedAt = now;
    }

    private static async Task<List<Notification>> WebhooksAsync(RewardPortalDbContext db, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
            return [];
        var found = await db.Notifications
            .Where(n => wanted.Contains(n.Id) && n.Channel == NotificationChannel.Webhook && !n.IsDeleted)
            .ToListAsync(cancellationToken);
        if (found.Count != wanted.Count)
        {
            var missing = wanted.Except(found.Select(n => n.Id));
            throw PortalException.Invalid($"These are not webhook notifications of this program: {string.Join(", ", missing)}.", "webhookIds");
        }
        return found;
    }

    private static List<string> Changes(RewardInput before, RewardInput input, Reward after)
    {
        var changes = new List<string>();
        void Check(string field, object? old, object? now)
        {
            if (!Equals(old, now))
                changes.Add($"{field}: {old ?? "none"} -> {now ?? "none"}");
        }
        Check("name", before.Name, after.Name);
        if (before.Description != after.Description)
            changes.Add("description");
        Check("type", before.Type, after.Type);
        Check("cost", Amounts.Format(before.CostCurrency, before.Cost), Amounts.Format(after.CostCurrency, after.Cost));
        if (input.SetStock)
            Check("stock", before.Stock?.ToString() ?? "unlimited", after.Stock?.ToString() ?? "unlimited");
        Check("enabled", before.Enabled, after.IsEnabled);
        Check("image", before.ImageUrl, after.ImageUrl);
        if (!before.Metadata.OrderBy(p => p.Key).SequenceEqual(after.Metadata.OrderBy(p => p.Key)))
            changes.Add("metadata");
        Check("webhooks", string.Join(",", before.WebhookIds.Order()), string.Join(",", after.Webhooks.Select(w => w.Id).Order()));
        Check("campaigns", string.Join(",", before.CampaignIds.Order()), string.Join(",", after.Campaigns.Select(c => c.Id).Order()));
        return changes;
    }
}
