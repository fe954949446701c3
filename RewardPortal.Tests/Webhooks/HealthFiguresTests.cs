using RewardPortal.Core.Webhooks;

namespace RewardPortal.Tests.Webhooks;

/// <summary>The health figures and the five-day rule, at their edges, without a database.</summary>
public sealed class HealthFiguresTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    private static AttemptPoint Failed(TimeSpan ago) => new(Now - ago, false, 15_000);
    private static AttemptPoint Succeeded(TimeSpan ago, int ms = 100) => new(Now - ago, true, ms);

    /// <summary>A failure every hour from <paramref name="from"/> ago until now.</summary>
    private static List<AttemptPoint> FailingHourly(TimeSpan from) =>
        Enumerable.Range(0, (int)from.TotalHours + 1).Select(h => Failed(from - TimeSpan.FromHours(h))).ToList();

    [Fact]
    public void FailuresSpanningFiveDaysTurnTheWebhookOff()
    {
        var health = HealthFigures.Compute(FailingHourly(TimeSpan.FromDays(5)), Now);

        Assert.True(HealthFigures.ShouldDisable(health));
        Assert.Equal(Now - TimeSpan.FromDays(5), health.FailingSince);
        Assert.Equal(121, health.ConsecutiveFailures);
    }

    [Fact]
    public void FailuresSpanningFourDaysAndTwentyThreeHoursLeaveItOn()
    {
        var health = HealthFigures.Compute(FailingHourly(TimeSpan.FromDays(4) + TimeSpan.FromHours(23)), Now);

        Assert.False(HealthFigures.ShouldDisable(health));
        Assert.Equal(EndpointState.Failing, HealthFigures.State(health, isEnabled: true));
    }

    [Fact]
    public void ASingleSuccessStartsTheFiveDaysAgain()
    {
        var attempts = FailingHourly(TimeSpan.FromDays(7));
        var success = attempts.FindIndex(a => a.At == Now - TimeSpan.FromDays(2));
        attempts[success] = Succeeded(TimeSpan.FromDays(2));

        var health = HealthFigures.Compute(attempts, Now);

        Assert.False(HealthFigures.ShouldDisable(health));
        Assert.Equal(Now - TimeSpan.FromDays(2) + TimeSpan.FromHours(1), health.FailingSince);
        Assert.Equal(48, health.ConsecutiveFailures);
        Assert.Equal(Now - TimeSpan.FromDays(2), health.LastSuccessAt);
    }

    [Fact]
    public void FailuresFiveDaysApartWithNothingBetweenStillCount()
    {
        var health = HealthFigures.Compute([Failed(TimeSpan.FromDays(6)), Failed(TimeSpan.FromMinutes(10))], Now);

        Assert.True(HealthFigures.ShouldDisable(health));
    }

    [Fact]
    public void RatesCountAttemptsOfTheirWindowAndP95IsAMeasuredDurationOfTheLastDay()
    {
        List<AttemptPoint> attempts = [Failed(TimeSpan.FromDays(3)), Succeeded(TimeSpan.FromDays(2), 5_000)];
        attempts.AddRange(Enumerable.Range(1, 19).Select(i => Succeeded(TimeSpan.FromHours(20) - TimeSpan.FromMinutes(i), ms: i * 10)));
        attempts.Add(Failed(TimeSpan.FromMinutes(5)));

        var health = HealthFigures.Compute(attempts, Now);

        Assert.Equal(20, health.Attempts24h);
        Assert.Equal(19 / 20.0, health.SuccessRate24h);
        Assert.Equal(22, health.Attempts7d);
        Assert.Equal(20 / 22.0, health.SuccessRate7d);
        Assert.Equal(190, health.P95Ms);
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.False(HealthFigures.ShouldDisable(health));
    }

    [Fact]
    public void AWebhookWithNoAttemptsIsIdleAndNeverTurnedOff()
    {
        var health = HealthFigures.Compute([], Now);

        Assert.Equal(EndpointHealth.None, health);
        Assert.Equal(EndpointState.Idle, HealthFigures.State(health, isEnabled: true));
        Assert.False(HealthFigures.ShouldDisable(health));
    }

    [Fact]
    public void StatesOrderTheWorstFirst()
    {
        var degraded = HealthFigures.Compute([Failed(TimeSpan.FromHours(2)), .. Enumerable.Range(0, 9).Select(i => Succeeded(TimeSpan.FromMinutes(i)))], Now);

        Assert.Equal(EndpointState.Degraded, HealthFigures.State(degraded, isEnabled: true));
        Assert.Equal(EndpointState.Disabled, HealthFigures.State(degraded, isEnabled: false));
        Assert.True(
            EndpointState.Disabled < EndpointState.Failing && EndpointState.Failing < EndpointState.Degraded && EndpointState.Degraded < EndpointState.Healthy);
    }
}
