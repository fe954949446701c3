using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Cluster;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Protection;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Data;

/// <summary>The app's database. Each provider has a subclass of its own for migrations: see <see cref="SqliteRewardPortalDbContext"/>.</summary>
public class RewardPortalDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<Reward> Rewards => Set<Reward>();
    public DbSet<VoucherCode> VoucherCodes => Set<VoucherCode>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignMember> CampaignMembers => Set<CampaignMember>();
    public DbSet<Redemption> Redemptions => Set<Redemption>();
    public DbSet<RedemptionStatusChange> RedemptionStatusChanges => Set<RedemptionStatusChange>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<OutboxEvent> Events => Set<OutboxEvent>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<DigestSent> DigestsSent => Set<DigestSent>();
    public DbSet<Retention.RetentionSettings> RetentionSettings => Set<Retention.RetentionSettings>();
    /// <summary>The dashboard's daily totals, kept by triggers (<see cref="DailyFiguresSql"/>).</summary>
    public DbSet<DailyFigures> DailyFigures => Set<DailyFigures>();
    public DbSet<DailyLatency> DailyLatency => Set<DailyLatency>();
    public DbSet<ClusterNode> ClusterNodes => Set<ClusterNode>();
    public DbSet<ChangeCounter> ChangeCounters => Set<ChangeCounter>();
    /// <summary>Cookie and antiforgery keys, shared by every node that uses this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    private readonly SecretCipher? secretCipher = SecretColumns.CipherOf(options);

    /// <summary>Whether webhook secrets are encrypted in their columns (always in the app; not in design-time tools).</summary>
    internal bool EncryptsSecrets => secretCipher is not null;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(RewardPortalDbContext).Assembly);
        SecretColumns.Apply(builder, secretCipher);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite hands DateTime back as Unspecified; every timestamp here is UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
