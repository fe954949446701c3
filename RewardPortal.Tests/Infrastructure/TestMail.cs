using Microsoft.Extensions.Options;
using RewardPortal.Core.Email;
using RewardPortal.Core.Participants;

namespace RewardPortal.Tests.Infrastructure;

internal static class TestMail
{
    public static NotificationEmailComposer Composer(IOptions<EmailOptions> options, string cashCurrency = "USD") =>
        new(options, new PortalLinks(options), new MoneyFormat(Options.Create(new ProgramOptions { CashCurrency = cashCurrency })));
}
