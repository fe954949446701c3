using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RewardPortal.Core.Dashboard;

namespace RewardPortal.Core.Data.Configurations;

internal sealed class DailyFiguresConfiguration : IEntityTypeConfiguration<DailyFigures>
{
    public void Configure(EntityTypeBuilder<DailyFigures> builder) => builder.HasKey(f => new { f.Day, f.Shard });
}

internal sealed class DailyLatencyConfiguration : IEntityTypeConfiguration<DailyLatency>
{
    public void Configure(EntityTypeBuilder<DailyLatency> builder) => builder.HasKey(l => new { l.Day, l.Bucket });
}
