namespace RewardPortal.Core.Data;

/// <summary>
/// SQLite lets one connection write at a time. The busiest writers of this process (the group commits of
/// <see cref="WriteTransactions"/> and the delivery engine's turns) take turns here, first come first served, awaiting
/// asynchronously: waiting on the file lock instead would block a thread per waiter, and under load the thread pool
/// starves while the longest waiter is the least likely to get in.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<Turn> EnterAsync()
    {
        await gate.WaitAsync();
        return new Turn(gate);
    }

    /// <summary>The right to write until disposed; <c>default</c> is no turn at all (PostgreSQL needs none).</summary>
    public readonly struct Turn(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
