using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Identity;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(200);
        builder.Property(k => k.Prefix).HasMaxLength(32);
        builder.Property(k => k.Hash).HasMaxLength(128);
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(k => k.UserId);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Actor).HasMaxLength(320);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.EntityType).HasMaxLength(100);
        builder.Property(a => a.EntityId).HasMaxLength(100);
        builder.Property(a => a.Details).HasMaxLength(4000);
        builder.HasIndex(a => a.At);
    }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Body).HasMaxLength(4000);
        builder.Property(a => a.Link).HasMaxLength(500);
        builder.Property(a => a.Audience).HasMaxLength(32);
        builder.Property(a => a.Key).HasMaxLength(200);
        builder.HasIndex(a => new { a.DismissedAt, a.At });
        builder.HasIndex(a => a.Key).IsUnique();
    }
}
