using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Tests.Deliveries;

/// <summary>The engine's batching rules, without a host: when the loop claims and records, and when an outcome wakes it.</summary>
public sealed class BatchingPolicyTests
{
    // 64 sends at once, 16 per endpoint: a node holds 1024 claimed deliveries, a lane 256.
    private static readonly BatchingPolicy Policy = BatchingPolicy.For(new WebhookOptions());

    [Fact]
    public void IdleSendersClaimASmallFirstBatchThenAsMuchAsFits()
    {
        Assert.Equal(1024, Policy.ClaimRoom(outstanding: 0, stopping: false));
        Assert.Equal(128, Policy.ClaimSize(room: 1024, outstanding: 0));
        Assert.Equal(256, Policy.ClaimSize(room: 1000, outstanding: 24));
        Assert.Equal(10, Policy.ClaimSize(room: 10, outstanding: 1014));
    }

    [Fact]
    public void BusySendersWaitUntilHalfTheRoomIsFreeBeforeClaiming()
    {
        Assert.Equal(961, Policy.ClaimRoom(outstanding: 63, stopping: false));
        Assert.Equal(0, Policy.ClaimRoom(outstanding: 600, stopping: false));
        Assert.Equal(512, Policy.ClaimRoom(outstanding: 512, stopping: false));
        Assert.Equal(0, Policy.ClaimRoom(outstanding: 1024, stopping: false));
    }

    [Fact]
    public void StoppingNeverClaimsAndRecordsAtOnce()
    {
        Assert.Equal(0, Policy.ClaimRoom(outstanding: 0, stopping: true));
        Assert.True(Policy.RecordNow(waiting: 1, waited: TimeSpan.Zero, claiming: false, stopping: true));
        Assert.Equal(BatchingPolicy.StoppingPoll, Policy.Wait(true, waiting: 3, TimeSpan.Zero, nothingDue: false, untilDue: null, outstanding: 0));
    }

    [Fact]
    public void OutcomesWaitForAFullBatchOrTheDelayUnlessAClaimGoesAnyway()
    {
        Assert.False(Policy.RecordNow(waiting: 0, waited: TimeSpan.FromSeconds(1), claiming: true, stopping: false));
        Assert.False(Policy.RecordNow(waiting: 10, waited: TimeSpan.FromMilliseconds(2), claiming: false, stopping: false));
        Assert.True(Policy.RecordNow(waiting: 10, waited: TimeSpan.FromMilliseconds(2), claiming: true, stopping: false));
        Assert.True(Policy.RecordNow(waiting: 10, waited: BatchingPolicy.OutcomeDelay, claiming: false, stopping: false));
        Assert.True(Policy.RecordNow(waiting: Policy.OutcomeBatch, waited: TimeSpan.Zero, claiming: false, stopping: false));
    }

    [Fact]
    public void TheLoopSleepsUntilTheBatchIsDueOrTheNextDeliveryOrAtMostTheSafetyWakeWhileSendsAreOut()
    {
        static TimeSpan Ms(int value) => TimeSpan.FromMilliseconds(value);
        Assert.Equal(Ms(6), Policy.Wait(false, waiting: 5, waited: Ms(4), nothingDue: false, untilDue: null, outstanding: 0));
        Assert.Equal(Ms(1), Policy.Wait(false, waiting: 5, waited: Ms(40), nothingDue: false, untilDue: null, outstanding: 0));
        Assert.Equal(TimeSpan.FromSeconds(3), Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: true, untilDue: TimeSpan.FromSeconds(3), outstanding: 0));
        Assert.Equal(BatchingPolicy.MaxIdle, Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: true, untilDue: TimeSpan.FromHours(1), outstanding: 0));
        Assert.Equal(BatchingPolicy.MaxIdle, Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: true, untilDue: null, outstanding: 0));
        Assert.Equal(BatchingPolicy.MaxIdle, Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: false, untilDue: TimeSpan.FromSeconds(3), outstanding: 0));
        Assert.Equal(BatchingPolicy.SafetyWake, Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: true, untilDue: null, outstanding: 1));
        Assert.Equal(Ms(1), Policy.Wait(false, 0, TimeSpan.Zero, nothingDue: true, untilDue: Ms(-50), outstanding: 0));
    }

    [Fact]
    public void AFinishedSendWakesTheLoopWhenItHasSomethingToDoAndOtherwiseLetsItSleep()
    {
        Assert.True(Policy.OutcomeWakes(left: 63, laneLeft: 100, waiting: 7, stopping: false));
        Assert.True(Policy.OutcomeWakes(left: 512, laneLeft: 100, waiting: 7, stopping: false));
        Assert.True(Policy.OutcomeWakes(left: 700, laneLeft: 128, waiting: 7, stopping: false));
        Assert.True(Policy.OutcomeWakes(left: 700, laneLeft: 100, waiting: 1, stopping: false));
        Assert.True(Policy.OutcomeWakes(left: 700, laneLeft: 100, waiting: Policy.OutcomeBatch, stopping: false));
        Assert.True(Policy.OutcomeWakes(left: 700, laneLeft: 100, waiting: 7, stopping: true));

        Assert.False(Policy.OutcomeWakes(left: 700, laneLeft: 100, waiting: 7, stopping: false));
        Assert.False(Policy.OutcomeWakes(left: 511, laneLeft: 100, waiting: 7, stopping: false));
        Assert.False(Policy.OutcomeWakes(left: 700, laneLeft: 100, waiting: Policy.OutcomeBatch + 1, stopping: false));
    }

    /// <summary>
    /// The loop claims and records only when these rules say so; if a finished send did not wake it at the moment the
    /// rules turn, batching would wait for the safety wake. Checked for every count and for odd sizes too.
    /// </summary>
    [Theory]
    [InlineData(64, 16)]
    [InlineData(3, 1)]
    [InlineData(5, 3)]
    [InlineData(1, 1)]
    public void EveryMomentTheLoopWouldActOnIsOneAFinishedSendWakesItFor(int maxConcurrency, int perEndpoint)
    {
        var policy = new BatchingPolicy(maxConcurrency, perEndpoint);
        for (var left = 0; left < policy.HighWater; left++)
        {
            var claimsNow = policy.ClaimRoom(left, stopping: false) > 0;
            var claimedBefore = policy.ClaimRoom(left + 1, stopping: false) > 0;
            if (claimsNow && !claimedBefore)
                Assert.True(policy.OutcomeWakes(left, laneLeft: -1, waiting: 2, stopping: false), $"{left} left: the loop would claim but sleeps on");
        }
        for (var waiting = 2; waiting <= policy.OutcomeBatch + 1; waiting++)
        {
            var recordsNow = policy.RecordNow(waiting, TimeSpan.Zero, claiming: false, stopping: false);
            var recordedBefore = policy.RecordNow(waiting - 1, TimeSpan.Zero, claiming: false, stopping: false);
            if (recordsNow && !recordedBefore)
                Assert.True(policy.OutcomeWakes(policy.HighWater - 1, laneLeft: -1, waiting, stopping: false), $"{waiting} waiting: a full batch sleeps on");
        }
    }
}
