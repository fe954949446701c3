namespace RewardPortal.Tests.Infrastructure;

/// <summary>A test on a real PostgreSQL server: skipped locally without one (saying how to install it), failed in CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.BinDirectory is null && !Ci.IsOn)
            Skip = $"PostgreSQL is not installed: {PostgresServer.InstallHint}";
    }
}
