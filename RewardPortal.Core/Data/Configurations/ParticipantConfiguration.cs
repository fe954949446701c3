using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Campaigns;
using RewardPortal.Core.Participants;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    public void Configure(EntityTypeBuilder<Participant> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(200);
        builder.Property(p => p.Email).HasMaxLength(320);
        builder.HasIndex(p => p.Email).IsUnique();
        builder.HasIndex(p => p.Name);
        builder.HasIndex(p => p.UserId);
        // The participants table sorts by balance at 100,000 rows.
        builder.HasIndex(p => p.PointsBalance);
        builder.HasIndex(p => p.CashBalanceMinor);
        builder.ComplexProperty(p => p.Address);
        builder.Property(p => p.CustomFields).HasJsonConversion();
        builder.ToTable(t => t.HasCheckConstraint("CK_Participants_Balances", "\"PointsBalance\" >= 0 AND \"CashBalanceMinor\" >= 0"));
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.Property(e => e.Actor).HasMaxLength(320);
        builder.HasOne<Participant>().WithMany().HasForeignKey(e => e.ParticipantId);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(e => e.CampaignId);
        builder.HasIndex(e => new { e.ParticipantId, e.Id });
    }
}
