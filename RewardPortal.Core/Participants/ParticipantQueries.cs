using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Participants;

public enum ParticipantSort { Name, Email, Points, Cash, Joined }

/// <summary>A page of the participants table. <see cref="Search"/> matches the start of a name or an email, ignoring case.</summary>
public record ParticipantListQuery(
    string? Search = null, ParticipantSort Sort = ParticipantSort.Name, bool Descending = false, int Page = 0, int PageSize = 25);

public record ParticipantRow(
    long Id, string Name, string Email, long PointsBalance, long CashBalanceMinor, bool IsSuspended, bool CanSignIn, DateTime CreatedAt);

/// <summary>
/// The reads behind the participants screens. Every one is answered from an index (search is a prefix match on the
/// NOCASE name and email indexes; every sort column has an index), so a page costs the same at 100 or 100,000 participants.
/// </summary>
public sealed class ParticipantQueries(IDbContextFactory<RewardPortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<Page<ParticipantRow>> PageAsync(ParticipantListQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var filtered = Filter(db.Participants.AsNoTracking(), query.Search);
        var total = await filtered.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var items = await Sort(filtered, query.Sort, query.Descending)
            .Skip(Math.Max(query.Page, 0) * pageSize).Take(pageSize)
            .Select(p => new ParticipantRow(p.Id, p.Name, p.Email, p.PointsBalance, p.CashBalanceMinor, p.IsSuspended, p.UserId != null, p.CreatedAt))
            .ToListAsync(cancellationToken);
        return new Page<ParticipantRow>(items, total);
    }

    /// <summary>One participant, not tracked: the API's busiest read, and one of every redemption's.</summary>
    internal static readonly CompiledQuery<Func<RewardPortalDbContext, long, CancellationToken, Task<Participant?>>> ById =
        new(() => EF.CompileAsyncQuery((RewardPortalDbContext db, long id, CancellationToken _) =>
            db.Participants.AsNoTracking().FirstOrDefault(p => p.Id == id)));

    public async Task<Participant> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ById.For(db)(db, id, cancellationToken) ?? throw PortalException.NotFound("The participant");
    }

    /// <summary>The names of these campaigns (for the ledger's Campaign column): none asked, no query.</summary>
    public async Task<Dictionary<long, string>> CampaignNamesAsync(IReadOnlyCollection<long> campaignIds, CancellationToken cancellationToken = default)
    {
        if (campaignIds.Count == 0)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
    }

    /// <summary>A participant's ledger, newest first, from the (ParticipantId, Id) index.</summary>
    public async Task<Page<LedgerEntry>> LedgerAsync(long participantId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.LedgerEntries.AsNoTracking().Where(e => e.ParticipantId == participantId);
        var total = await entries.CountAsync(cancellationToken);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var items = await entries.OrderByDescending(e => e.Id).Skip(Math.Max(page, 0) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Page<LedgerEntry>(items, total);
    }

    internal static IQueryable<Participant> Filter(IQueryable<Participant> participants, string? search)
    {
        var term = search?.Trim();
        return string.IsNullOrEmpty(term)
            ? participants
            : participants.Where(p => p.Name.StartsWith(term) || p.Email.StartsWith(term));
    }

    // The Id tie-break keeps pages stable where values repeat; SQLite index entries end in the rowid, so it costs nothing.
    internal static IQueryable<Participant> Sort(IQueryable<Participant> participants, ParticipantSort sort, bool descending) => (sort, descending) switch
    {
        (ParticipantSort.Email, false) => participants.OrderBy(p => p.Email).ThenBy(p => p.Id),
        (ParticipantSort.Email, true) => participants.OrderByDescending(p => p.Email).ThenByDescending(p => p.Id),
        (ParticipantSort.Points, false) => participants.OrderBy(p => p.PointsBalance).ThenBy(p => p.Id),
        (ParticipantSort.Points, true) => participants.OrderByDescending(p => p.PointsBalance).ThenByDescending(p => p.Id),
        (ParticipantSort.Cash, false) => participants.OrderBy(p => p.CashBalanceMinor).ThenBy(p => p.Id),
        (ParticipantSort.Cash, true) => participants.OrderByDescending(p => p.CashBalanceMinor).ThenByDescending(p => p.Id),
        (ParticipantSort.Joined, false) => participants.OrderBy(p => p.Id),
        (ParticipantSort.Joined, true) => participants.OrderByDescending(p => p.Id),
        (_, false) => participants.OrderBy(p => p.Name).ThenBy(p => p.Id),
        (_, true) => participants.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
    };
}
