using System.Globalization;
using RewardPortal.Core.Common;

namespace RewardPortal.Core.Participants;

/// <summary>Points are whole numbers; cash is typed as a decimal amount and stored in minor units (two decimal places).</summary>
public static class Amounts
{
    public const long MaxAmount = 1_000_000_000_000;

    public static long CashToMinor(decimal amount, string field)
    {
        if (decimal.Round(amount, 2) != amount)
            throw PortalException.Invalid("Cash amounts have at most two decimal places.", field);
        var minor = amount * 100;
        if (Math.Abs(minor) > MaxAmount)
            throw PortalException.Invalid("The amount is too large.", field);
        return (long)minor;
    }

    public static decimal MinorToCash(long minor) => minor / 100m;

    /// <summary>Points or cash, as typed: "1500" or "12.50".</summary>
    public static long Parse(Currency currency, decimal amount, string field)
    {
        if (currency == Currency.Cash)
            return CashToMinor(amount, field);
        if (decimal.Truncate(amount) != amount)
            throw PortalException.Invalid("Points are whole numbers.", field);
        if (Math.Abs(amount) > MaxAmount)
            throw PortalException.Invalid("The amount is too large.", field);
        return (long)amount;
    }

    public static string Format(Currency currency, long amount) => currency == Currency.Points
        ? $"{amount.ToString("N0", CultureInfo.InvariantCulture)} pts"
        : MinorToCash(amount).ToString("N2", CultureInfo.InvariantCulture);
}
