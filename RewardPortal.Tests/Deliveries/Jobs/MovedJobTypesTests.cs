using Hangfire.Common;
using Hangfire.Storage;
using RewardPortal.Core.Deliveries.Jobs;

namespace RewardPortal.Tests.Deliveries.Jobs;

public sealed class MovedJobTypesTests
{
    [Theory]
    [InlineData("RewardPortal.Core.Deliveries.DeliveryDrainJob, RewardPortal.Core", typeof(DeliveryDrainJob))]
    [InlineData("RewardPortal.Core.Deliveries.DeliverySweepJob, RewardPortal.Core", typeof(DeliverySweepJob))]
    [InlineData("RewardPortal.Core.Deliveries.RedeliverFailedJob, RewardPortal.Core", typeof(RedeliverFailedJob))]
    public void AJobQueuedUnderItsOldNameFindsItsClass(string storedName, Type expected) =>
        Assert.Equal(expected, MovedJobTypes.Resolve(storedName));

    [Fact]
    public void AQueuedReSendStoredBeforeTheMoveStillDeserializes()
    {
        var stored = new InvocationData(
            "RewardPortal.Core.Deliveries.RedeliverFailedJob, RewardPortal.Core", "RunAsync",
            "[\"System.DateTime\",\"System.Nullable`1[[System.Int64]]\",\"System.String\"," +
            "\"Hangfire.Server.PerformContext, Hangfire.Core\",\"System.Threading.CancellationToken\"]",
            "[\"\\\"2026-12-01T00:00:00Z\\\"\",\"7\",\"\\\"owner@example.com\\\"\",null,null]");
        Assert.ThrowsAny<Exception>(() => TypeHelper.DefaultTypeResolver(stored.Type));

        var job = WithResolver(MovedJobTypes.Resolve, stored.DeserializeJob);

        Assert.Equal(typeof(RedeliverFailedJob), job.Type);
        Assert.Equal(7L, job.Args[1]);
    }

    [Fact]
    public void OtherNamesResolveAsHangfireResolvesThem() =>
        Assert.Equal(typeof(DateTime), MovedJobTypes.Resolve("System.DateTime"));

    // The app sets the same resolver at start; the previous one is put back for tests that run without the app.
    private static T WithResolver<T>(Func<string, Type> resolver, Func<T> run)
    {
        var previous = TypeHelper.CurrentTypeResolver;
        TypeHelper.CurrentTypeResolver = resolver;
        try
        {
            return run();
        }
        finally
        {
            TypeHelper.CurrentTypeResolver = previous;
        }
    }
}
