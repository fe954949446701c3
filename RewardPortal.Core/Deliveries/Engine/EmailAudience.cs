using RewardPortal.Core.Email;

namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>Who an email delivery goes to: team members by address, and whether the participant too.</summary>
internal sealed record EmailAudience(IReadOnlyList<EmailRecipient> Team, bool Participant)
{
    public bool IsEmpty => Team.Count == 0 && !Participant;

    /// <summary>Everyone the given notifications email.</summary>
    public static EmailAudience Of(IEnumerable<DeliveryTarget> targets)
    {
        var list = targets.ToList();
        return new EmailAudience(list.SelectMany(t => t.Recipients).ToList(), list.Any(t => t.NotifyParticipant));
    }

    /// <summary>What a notification sends once those emailed by another notification of the same event are left out.</summary>
    public static EmailAudience For(DeliveryTarget target, EmailAudience? emailedElsewhere)
    {
        if (emailedElsewhere is null)
            return new EmailAudience(target.Recipients, target.NotifyParticipant);
        var taken = emailedElsewhere.Team.Select(r => r.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new EmailAudience(
            target.Recipients.Where(r => !taken.Contains(r.Address)).ToList(),
            target.NotifyParticipant && !emailedElsewhere.Participant);
    }
}
