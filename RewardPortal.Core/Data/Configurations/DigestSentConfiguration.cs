using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class DigestSentConfiguration : IEntityTypeConfiguration<DigestSent>
{
    public void Configure(EntityTypeBuilder<DigestSent> builder)
    {
        builder.ToTable("DigestsSent");
        // What makes a digest go out once, whichever run or node gets there first.
        builder.HasIndex(d => new { d.NotificationId, d.Day }).IsUnique();
        builder.HasOne<Notification>().WithMany().HasForeignKey(d => d.NotificationId);
    }
}
