namespace RewardPortal.Core.Retention;

/// <summary>Settings > Data: how long delivery attempts and event bodies are kept. One row; none means the defaults.</summary>
public class RetentionSettings
{
    public const int DefaultKeepDays = 90;
    /// <summary>A digest missed while the app was down is still built from a week of events.</summary>
    public const int MinKeepDays = 7;
    public const int MaxKeepDays = 3650;

    public int Id { get; set; } = 1;
    public int KeepDays { get; set; } = DefaultKeepDays;
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}
