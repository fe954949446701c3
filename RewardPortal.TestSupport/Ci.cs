namespace RewardPortal.TestSupport;

/// <summary>Whether this is a CI run (CI=true), where a missing tool fails its tests instead of skipping them.</summary>
public static class Ci
{
    public static bool IsOn => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
