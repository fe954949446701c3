using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;

namespace RewardPortal.Core.Campaigns;

/// <summary>Campaigns and their members, for the screens and the REST API: every change validated and audited.</summary>
public sealed class CampaignService(
    IDbContextFactory<RewardPortalDbContext> dbFactory, WriteTransactions transactions, EventRecorder events, IDeliverySignal signal, TimeProvider clock)
{
    public const int MaxMembersPerCall = 1000;
    /// <summary>How many members a campaign's page lists (the newest).</summary>
    public const int MembersShown = 500;

    public async Task<List<CampaignSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().OrderByDescending(c => c.IsActive).ThenBy(c => c.Name)
            .Select(c => new CampaignSummary(c.Id, c.Name, c.Description, c.StartsAt, c.EndsAt, c.IsActive,
                db.CampaignMembers.Count(m => m.CampaignId == c.Id),
                db.Rewards.Count(r => !r.IsDeleted && r.Campaigns.Any(rc => rc.Id == c.Id)),
                c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<List<CampaignOption>> OptionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().OrderBy(c => c.Name).Select(c => new CampaignOption(c.Id, c.Name, c.IsActive)).ToListAsync(cancellationToken);
    }

    public async Task<CampaignDetail> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw PortalException.NotFound("The campaign");
        var members = await db.CampaignMembers.Where(m => m.CampaignId == id)
            .Join(db.Participants, m => m.ParticipantId, p => p.Id, (m, p) => new { m.AddedAt, p.Id, p.Name, p.Email })
            .OrderByDescending(m => m.AddedAt).ThenBy(m => m.Name).Take(MembersShown)
            .Select(m => new CampaignMemberRow(m.Id, m.Name, m.Email, m.AddedAt)).ToListAsync(cancellationToken);
        var rewards = await db.Rewards.AsNoTracking().Where(r => !r.IsDeleted && r.Campaigns.Any(c => c.Id == id)).OrderBy(r => r.Name)
            .Select(r => new CampaignRewardRow(r.Id, r.Name, r.IsEnabled)).ToListAsync(cancellationToken);
        return new CampaignDetail(campaign, members, rewards);
    }

    public async Task<Campaign> CreateAsync(CampaignInput input, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await ValidateAsync(db, null, input, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var campaign = new Campaign { Name = input.Name.Trim(), CreatedAt = now };
        Apply(campaign, input, now);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        db.Audit(actor, "campaign.created", nameof(Campaign), campaign.Id, campaign.Name);
        await db.SaveChangesAsync(cancellationToken);
        return campaign;
    }

    public async Task<Campaign> UpdateAsync(long id, CampaignInput input, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw PortalException.NotFound("The campaign");
        await ValidateAsync(db, id, input, cancellationToken);
        Apply(campaign, input, clock.GetUtcNow().UtcDateTime);
        db.Audit(actor, "campaign.updated", nameof(Campaign), id, $"{campaign.Name}, {(campaign.IsActive ? "active" : "ended")}");
        await db.SaveChangesAsync(cancellationToken);
        return campaign;
    }

    /// <summary>
    /// Adds participants to a campaign; those already in it are left as they are. Each one added fires
    /// participant.added_to_campaign in the same transaction. Answers how many were added.
    /// </summary>
    public async Task<int> AddMembersAsync(
        long campaignId, IReadOnlyCollection<long> participantIds, string actor, CancellationToken cancellationToken = default)
    {
        if (participantIds.Count == 0)
            throw PortalException.Invalid("Name at least one participant.", "participantIds");
        if (participantIds.Count > MaxMembersPerCall)
            throw PortalException.Invalid($"At most {MaxMembersPerCall} participants at a time.", "participantIds");
        var added = await transactions.RunAsync(async (db, ct) =>
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw PortalException.NotFound("The campaign");
            var wanted = participantIds.Distinct().ToList();
            var found = await db.Participants.AsNoTracking().Where(p => wanted.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
            if (found.Count != wanted.Count)
                throw PortalException.Invalid($"These participants do not exist: {string.Join(", ", wanted.Except(found).Order())}.", "participantIds");
            var count = await AddMembersInAsync(db, campaign, wanted, ct);
            db.Audit(actor, "campaign.members_added", nameof(Campaign), campaignId, $"{count} added to {campaign.Name}");
            await db.SaveChangesAsync(ct);
            return count;
        }, cancellationToken);
        if (added > 0)
            signal.DeliveriesWritten();
        return added;
    }

    /// <summary>
    /// The membership rows and their participant.added_to_campaign events, in the caller's transaction (a CSV import runs
    /// many in one). Participants already in the campaign are skipped. The caller saves and signals.
    /// </summary>
    public async Task<int> AddMembersInAsync(
        RewardPortalDbContext db, Campaign campaign, IReadOnlyCollection<long> participantIds, CancellationToken cancellationToken)
    {
        var already = await db.CampaignMembers.Where(m => m.CampaignId == campaign.Id && participantIds.Contains(m.ParticipantId))
            .Select(m => m.ParticipantId).ToListAsync(cancellationToken);
        var joining = participantIds.Except(already).ToList();
        if (joining.Count == 0)
            return 0;
        var now = clock.GetUtcNow().UtcDateTime;
        var participants = await db.Participants.AsNoTracking().Where(p => joining.Contains(p.Id)).ToListAsync(cancellationToken);
        var payload = CampaignPayload.Of(campaign);
        foreach (var participant in participants)
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, ParticipantId = participant.Id, AddedAt = now });
        await events.RecordAllAsync(db, EventTypes.ParticipantAddedToCampaign,
            participants.Select(
                p => (new CampaignMembershipEventData(ParticipantPayload.Of(p), payload), new EventSubject(ParticipantId: p.Id, CampaignId: campaign.Id))),
            cancellationToken);
        return participants.Count;
    }

    /// <summary>Takes a participant out of a campaign: they no longer see the rewards limited to it. Their history stays.</summary>
    public async Task RemoveMemberAsync(long campaignId, long participantId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(
            c => c.Id == campaignId, cancellationToken) ?? throw PortalException.NotFound("The campaign");
        var member = await db.CampaignMembers.FirstOrDefaultAsync(m => m.CampaignId == campaignId && m.ParticipantId == participantId, cancellationToken)
            ?? throw PortalException.NotFound("The participant in this campaign");
        db.CampaignMembers.Remove(member);
        db.Audit(actor, "campaign.member_removed", nameof(Campaign), campaignId, $"participant {participantId} from {campaign.Name}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The campaigns of these ids, or a 422 naming <paramref name="field"/> when one does not exist.</summary>
    public static async Task<List<Campaign>> FindAllAsync(
        RewardPortalDbContext db, IReadOnlyCollection<long> ids, string field, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
            return [];
        var found = await db.Campaigns.Where(c => wanted.Contains(c.Id)).ToListAsync(cancellationToken);
        if (found.Count != wanted.Count)
            throw PortalException.Invalid(
                $"These are not campaigns of this program: {string.Join(", ", wanted.Except(found.Select(c => c.Id)).Order())}.", field);
        return found;
    }

    private static async Task ValidateAsync(RewardPortalDbContext db, long? id, CampaignInput input, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
            errors.Add("name", "Give the campaign a name of 1 to 200 characters.");
        errors.Check(() => TextRules.RequireSingleLine(name, "name", "The name"));
        if (!errors.Has("name") && await db.Campaigns.AnyAsync(c => c.Name == name && c.Id != id, cancellationToken))
            errors.Add("name", $"There is already a campaign called {name}.");
        if (input.Description?.Length > 2000)
            errors.Add("description", "The description is longer than 2000 characters.");
        if (input.StartsAt is { } starts && input.EndsAt is { } ends && ends < starts)
            errors.Add("endsAt", "The campaign cannot end before it starts.");
        errors.ThrowIfAny();
    }

    // A date picked on a screen has no kind; it is taken as UTC, as every time here is.
    private static DateTime? Utc(DateTime? value) =>
        value is not { } v ? null : v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime();

    private static void Apply(Campaign campaign, CampaignInput input, DateTime now)
    {
        campaign.Name = input.Name.Trim();
        campaign.Description = TextRules.NormaliseMultiLine(input.Description)?.Trim() ?? "";
        campaign.StartsAt = Utc(input.StartsAt);
        campaign.EndsAt = Utc(input.EndsAt);
        campaign.IsActive = input.Active;
        campaign.UpdatedAt = now;
    }
}
