namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// A test that drives Debian's Chromium. Without it, the test is skipped locally with the install command,
/// and fails in CI (CI=true), where a missing tool must never pass silently.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && !IsCi)
            Skip = $"Chromium is not installed at {ChromiumPath}: sudo apt-get install -y chromium";
    }

    public static bool IsCi => Ci.IsOn;
}
