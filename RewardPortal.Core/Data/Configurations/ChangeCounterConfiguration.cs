using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Notifications;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class ChangeCounterConfiguration : IEntityTypeConfiguration<ChangeCounter>
{
    public void Configure(EntityTypeBuilder<ChangeCounter> builder)
    {
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.HasData(new ChangeCounter { Name = NotificationMatcherTriggers.Counter, Value = 0 });
    }
}
