namespace RewardPortal.Web.Components.Pages.Campaigns;

internal static class CampaignDates
{
    public static string Format(DateTime? starts, DateTime? ends) => (starts, ends) switch
    {
        (null, null) => "No set dates",
        ({ } s, null) => $"From {s:yyyy-MM-dd}",
        (null, { } e) => $"Until {e:yyyy-MM-dd}",
        ({ } s, { } e) => $"{s:yyyy-MM-dd} to {e:yyyy-MM-dd}",
    };
}
