namespace RewardPortal.Core.Deliveries.Engine;

/// <summary>
/// Has the engine run again when a retry falls due, even if this node restarts meanwhile. The engine sits below the
/// Hangfire jobs that run it, so the jobs' scheduler implements this rather than the engine calling it by name.
/// </summary>
public interface IRetryWakeUps
{
    void WakeAt(DateTime at);
}
