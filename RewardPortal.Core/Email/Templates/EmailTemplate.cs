namespace RewardPortal.Core.Email.Templates;

/// <summary>Which of a notification's emails: the team's fulfilment email, or the participant's own.</summary>
public enum EmailAudienceKind { Team, Participant }

/// <summary>An email as the program writes it: a Liquid subject and HTML body.</summary>
public sealed record EmailTemplate(string Subject, string Body);

/// <summary>A notification's written emails; null for an audience means its built-in email.</summary>
public sealed record EmailTemplates(EmailTemplate? Team, EmailTemplate? Participant)
{
    public EmailTemplate? For(EmailAudienceKind audience) => audience == EmailAudienceKind.Team ? Team : Participant;

    public static EmailTemplates? Of(string? teamSubject, string? teamBody, string? participantSubject, string? participantBody)
    {
        var team = teamSubject is not null && teamBody is not null ? new EmailTemplate(teamSubject, teamBody) : null;
        var participant = participantSubject is not null && participantBody is not null ? new EmailTemplate(participantSubject, participantBody) : null;
        return team is null && participant is null ? null : new EmailTemplates(team, participant);
    }
}

/// <summary>A subject and body rendered for one redemption: the HTML, and the plain text derived from it.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);
