using System.Globalization;
using Microsoft.Extensions.Options;

namespace RewardPortal.Core.Participants;

/// <summary>Amounts as people read them: points as "1,250 pts", cash with the program's currency, "12.50 USD".</summary>
public sealed class MoneyFormat(IOptions<ProgramOptions> options)
{
    public string CashCurrency => options.Value.CashCurrency;

    public string Format(Currency currency, long amount) => currency == Currency.Points
        ? Amounts.Format(Currency.Points, amount)
        : $"{Amounts.Format(Currency.Cash, amount)} {CashCurrency}";

    /// <summary>In words, for sentences: "500 points", "12.50 USD".</summary>
    public string Words(Currency currency, long amount) => currency == Currency.Points
        ? $"{amount.ToString("N0", CultureInfo.InvariantCulture)} {(amount == 1 ? "point" : "points")}"
        : Format(currency, amount);
}
