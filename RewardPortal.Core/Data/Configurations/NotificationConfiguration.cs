using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Management;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Name).HasMaxLength(NotificationRules.MaxNameLength).IsRequired();
        builder.Property(n => n.WebhookUrl).HasMaxLength(2000);
        builder.Property(n => n.Description).HasMaxLength(500);
        builder.Property(n => n.DisabledReason).HasMaxLength(500);
        builder.Property(n => n.Secret).HasMaxLength(200);
        builder.Property(n => n.PreviousSecret).HasMaxLength(200);
        builder.HasMany(n => n.Recipients).WithMany().UsingEntity("NotificationRecipients");
        builder.HasMany(n => n.Campaigns).WithMany().UsingEntity("NotificationCampaigns");
    }
}
