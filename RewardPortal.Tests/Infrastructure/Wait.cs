namespace RewardPortal.Tests.Infrastructure;

public static class Wait
{
    /// <summary>Polls until the condition holds; fails the test after the timeout. The one wait-until of the tests.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what ?? "the condition"}.");
            await Task.Delay(50);
        }
    }
}
