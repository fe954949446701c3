namespace RewardPortal.Core.Participants;

public enum Currency
{
    Points = 0,
    /// <summary>Cash value, always in minor units (cents).</summary>
    Cash = 1,
}
