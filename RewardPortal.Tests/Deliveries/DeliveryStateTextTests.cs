using RewardPortal.Core.Deliveries;

namespace RewardPortal.Tests.Deliveries;

public sealed class DeliveryStateTextTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 13, 40, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(DeliveryStatus.Pending, 0, "Sending")]
    [InlineData(DeliveryStatus.Pending, 2, "Retrying · attempt 3 of 8 · next at 14:05")]
    [InlineData(DeliveryStatus.Succeeded, 1, "Delivered")]
    [InlineData(DeliveryStatus.Succeeded, 3, "Delivered · attempt 3")]
    [InlineData(DeliveryStatus.Failed, 8, "Failed · 8 attempts")]
    public void EachStateSaysWhatHappensNext(DeliveryStatus status, int attempts, string expected) =>
        Assert.Equal(expected, DeliveryStateText.Describe(status, attempts, Now.AddMinutes(25), 8, Now));

    [Fact]
    public void ARetryOnAnotherDayNamesTheDay() =>
        Assert.Equal(
            "Retrying · attempt 7 of 8 · next at Dec 7 00:10",
            DeliveryStateText.Describe(DeliveryStatus.Pending, 6, Now.AddHours(10).AddMinutes(30), 8, Now));
}
