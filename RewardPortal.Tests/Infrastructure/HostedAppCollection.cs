namespace RewardPortal.Tests.Infrastructure;

/// <summary>Tests that host the whole app run one after another: Hangfire keeps its job storage in a static.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostedAppCollection
{
    public const string Name = "Hosted app";
}
