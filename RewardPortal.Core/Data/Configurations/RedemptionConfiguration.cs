using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class RedemptionConfiguration : IEntityTypeConfiguration<Redemption>
{
    public void Configure(EntityTypeBuilder<Redemption> builder)
    {
        builder.Property(r => r.Reward).HasJsonConversion();
        builder.Property(r => r.Message).HasMaxLength(2000);
        builder.Property(r => r.VoucherCode).HasMaxLength(200);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(200);
        builder.Property(r => r.IdempotencyScope).HasMaxLength(100);
        builder.Property(r => r.RequestHash).HasMaxLength(100);
        builder.Property(r => r.DecidedBy).HasMaxLength(320);
        builder.HasOne(r => r.Participant).WithMany().HasForeignKey(r => r.ParticipantId);
        builder.HasOne<Reward>().WithMany().HasForeignKey(r => r.RewardId);
        builder.HasMany(r => r.History).WithOne().HasForeignKey(h => h.RedemptionId);
        builder.HasIndex(r => new { r.IdempotencyScope, r.IdempotencyKey }).IsUnique();
        builder.HasIndex(r => new { r.Status, r.Id });
        builder.HasIndex(r => new { r.TransactionId, r.Id });
        builder.HasIndex(r => new { r.ParticipantId, r.Id });
        builder.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class RedemptionStatusChangeConfiguration : IEntityTypeConfiguration<RedemptionStatusChange>
{
    public void Configure(EntityTypeBuilder<RedemptionStatusChange> builder)
    {
        builder.Property(h => h.Actor).HasMaxLength(320);
        builder.Property(h => h.Message).HasMaxLength(2000);
    }
}
