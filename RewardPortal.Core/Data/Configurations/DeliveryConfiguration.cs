using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.Property(d => d.MessageId).HasMaxLength(64);
        builder.Property(d => d.LeasedBy).HasMaxLength(200);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.HasIndex(d => d.MessageId).IsUnique();
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.NotificationId, d.Id });
        builder.HasIndex(d => d.CreatedAt);
        builder.HasIndex(d => d.CompletedAt);
        builder.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId);
        builder.HasOne(d => d.Notification).WithMany().HasForeignKey(d => d.NotificationId);
        builder.HasMany(d => d.Attempts).WithOne().HasForeignKey(a => a.DeliveryId);
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        builder.Property(a => a.ResponseExcerpt).HasMaxLength(4096);
        builder.Property(a => a.Error).HasMaxLength(2000);
        builder.Property(a => a.TraceId).HasMaxLength(32);
        builder.HasIndex(a => new { a.DeliveryId, a.Id });
    }
}

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> builder)
    {
        builder.ToTable("Events");
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.TraceParent).HasMaxLength(55);
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => e.RedemptionId);
    }
}
