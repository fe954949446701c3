namespace RewardPortal.Core.Configuration;

/// <summary>First-run settings: used only when the database has no users (or no such API key) yet.</summary>
public class BootstrapOptions
{
    public const string Section = "Bootstrap";
    public string? OwnerEmail { get; set; }
    public string? OwnerPassword { get; set; }
    public string? ApiKey { get; set; }
}

public class SeedOptions
{
    public const string Section = "Seed";
    public bool Demo { get; set; }
}
