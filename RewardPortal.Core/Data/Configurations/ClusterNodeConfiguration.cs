using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Cluster;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class ClusterNodeConfiguration : IEntityTypeConfiguration<ClusterNode>
{
    public void Configure(EntityTypeBuilder<ClusterNode> builder)
    {
        builder.ToTable("Nodes");
        builder.Property(n => n.Id).HasMaxLength(200);
        builder.Property(n => n.Role).HasMaxLength(20);
        builder.Property(n => n.MachineName).HasMaxLength(200);
    }
}
