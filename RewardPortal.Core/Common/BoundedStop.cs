namespace RewardPortal.Core.Common;

/// <summary>
/// A hosted service's stop within a bound of its own. The host's shutdown timeout (30 s by default) is shared by every
/// service in turn, and a SQLite write waits out its busy timeout (30 s) without heeding cancellation: one service
/// stuck on a database another process holds must not use up the others' time and fail the whole stop.
/// </summary>
public static class BoundedStop
{
    /// <summary>False when <paramref name="stop"/> outlasted <paramref name="bound"/>; it carries on unobserved.</summary>
    public static async Task<bool> WithinAsync(Task stop, TimeSpan bound)
    {
        try
        {
            await stop.WaitAsync(bound);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
