using Microsoft.Extensions.Logging;

namespace RewardPortal.Core.Retention;

/// <summary>
/// Runs one purge at a time on this node, by hand ("Purge now") or nightly, and holds its progress for Settings > Data
/// to show. A purge that runs on another node at the same time only finds less to do: every batch re-reads what is left.
/// </summary>
public sealed class PurgeRunner(DataPurge purge, ILogger<PurgeRunner> logger)
{
    public const string RecurringJobId = "retention-purge";
    public const string Schedule = "30 2 * * *";

    private readonly Lock gate = new();
    private Task<PurgeProgress>? running;

    public PurgeProgress? Progress { get; private set; }
    public string? Error { get; private set; }
    public bool IsRunning => running is { IsCompleted: false };

    /// <summary>Raised from the purge's thread at each batch.</summary>
    public event Action? Changed;

    /// <summary>Starts a purge, or hands back the one running.</summary>
    public Task<PurgeProgress> Start()
    {
        lock (gate)
        {
            if (running is { IsCompleted: false })
                return running;
            Error = null;
            Progress = new PurgeProgress(0, 0, 0, 0, false);
            return running = Task.Run(RunAsync);
        }
    }

    /// <summary>The nightly job: waits for the purge to finish.</summary>
    public Task NightlyAsync() => Start();

    private async Task<PurgeProgress> RunAsync()
    {
        try
        {
            return await purge.RunAsync(new Reporter(this));
        }
        catch (Exception e)
        {
            logger.LogError(e, "The purge stopped; what it removed stays removed, and the next run goes on.");
            Error = e.Message;
            Progress = (Progress ?? new PurgeProgress(0, 0, 0, 0, false)) with { Finished = true };
            Changed?.Invoke();
            throw;
        }
    }

    private sealed class Reporter(PurgeRunner runner) : IProgress<PurgeProgress>
    {
        public void Report(PurgeProgress value)
        {
            runner.Progress = value;
            runner.Changed?.Invoke();
        }
    }
}
