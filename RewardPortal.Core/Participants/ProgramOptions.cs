using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Participants;

/// <summary>The program's own settings.</summary>
public class ProgramOptions : IValidatableObject
{
    public const string Section = "Program";

    /// <summary>The ISO 4217 code shown with every cash amount.</summary>
    public string CashCurrency { get; set; } = "USD";

    /// <summary>The program's time zone, an IANA id such as Europe/London: daily digests go out at their hour in it.</summary>
    public string TimeZone { get; set; } = "UTC";

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out _))
            yield return new ValidationResult(
                $"Program:TimeZone must be a time zone id such as UTC, Europe/London or America/New_York (got '{TimeZone}').", [nameof(TimeZone)]);
        if (!IsoCurrencies.IsKnown(CashCurrency))
            yield return new ValidationResult(
                $"Program:CashCurrency must be an ISO 4217 currency code such as USD, EUR or GBP (got '{CashCurrency}').", [nameof(CashCurrency)]);
    }
}

/// <summary>
/// The active ISO 4217 codes, listed here rather than read from the operating system's culture data, which a
/// globalization-invariant deployment does not have.
/// </summary>
public static class IsoCurrencies
{
    private static readonly HashSet<string> Codes = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP
        CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR
        ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
        MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD
        SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES
        VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);
}
