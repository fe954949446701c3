using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Campaigns;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Campaigns;

/// <summary>The visibility rule is written once and put into the catalogue's query by hand: it must stay one SQL text for every participant.</summary>
public sealed class CampaignAccessTests : IDisposable
{
    private readonly SqliteTestDatabase database = new();

    [Fact]
    public void TheCatalogueSendsTheParticipantAsAParameterSoEveryParticipantSharesOneQuery()
    {
        using var db = database.CreateDbContext();

        var forOne = db.Rewards.VisibleTo(db, 987_654_321).ToQueryString();
        var forAnother = db.Rewards.VisibleTo(db, 123_456_789).ToQueryString();

        Assert.DoesNotContain("987654321", Sql(forOne), StringComparison.Ordinal);
        Assert.Contains("\"CampaignMembers\"", forOne);
        Assert.Equal(Sql(forOne), Sql(forAnother));
    }

    // The statement without the parameter values ToQueryString lists first.
    private static string Sql(string query) => string.Join('\n', query.Split('\n').Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));

    public void Dispose() => database.Dispose();
}
