using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class RewardConfiguration : IEntityTypeConfiguration<Reward>
{
    public void Configure(EntityTypeBuilder<Reward> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Description).HasMaxLength(4000);
        builder.Property(r => r.ImageUrl).HasMaxLength(2000);
        builder.Property(r => r.Metadata).HasJsonConversion();
        builder.HasMany(r => r.Webhooks).WithMany(n => n.Rewards).UsingEntity("RewardWebhooks");
        builder.HasMany(r => r.Campaigns).WithMany().UsingEntity("RewardCampaigns");
        builder.ToTable(t => t.HasCheckConstraint("CK_Rewards_Stock", "\"Stock\" IS NULL OR \"Stock\" >= 0"));
    }
}

internal sealed class VoucherCodeConfiguration : IEntityTypeConfiguration<VoucherCode>
{
    public void Configure(EntityTypeBuilder<VoucherCode> builder)
    {
        builder.Property(v => v.Code).HasMaxLength(200);
        builder.HasOne<Reward>().WithMany().HasForeignKey(v => v.RewardId);
        builder.HasIndex(v => new { v.RewardId, v.Code }).IsUnique();
        builder.HasIndex(v => new { v.RewardId, v.RedemptionId });
        builder.HasIndex(v => v.RedemptionId).IsUnique();
    }
}
