using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.Description).HasMaxLength(2000);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}

internal sealed class CampaignMemberConfiguration : IEntityTypeConfiguration<CampaignMember>
{
    public void Configure(EntityTypeBuilder<CampaignMember> builder)
    {
        builder.HasKey(m => new { m.CampaignId, m.ParticipantId });
        builder.HasOne<Campaign>().WithMany().HasForeignKey(m => m.CampaignId);
        builder.HasOne<Participant>().WithMany().HasForeignKey(m => m.ParticipantId);
        // "Which campaigns is this participant in" is asked on every Redeem page and redemption.
        builder.HasIndex(m => m.ParticipantId);
    }
}
