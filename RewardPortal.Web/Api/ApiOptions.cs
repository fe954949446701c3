using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Web.Api;

public class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Per API key; the bucket refills every minute.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Whether /openapi and /api/reference answer anyone; when false, only a signed-in staff user.</summary>
    public bool PublicReference { get; set; } = true;
}
