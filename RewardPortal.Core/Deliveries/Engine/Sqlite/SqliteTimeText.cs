using System.Globalization;
using System.Text;

namespace RewardPortal.Core.Deliveries.Engine.Sqlite;

/// <summary>
/// Times as Microsoft.Data.Sqlite and EF store them on SQLite: 'yyyy-MM-dd HH:mm:ss.FFFFFFF' (the fraction without
/// trailing zeros, and without its dot when it is zero), written and read by hand. The engine binds several per delivery,
/// and .NET's custom-format machinery and DateTime.Parse (a string per read) cost many times what these loops take:
/// docs/benchmarks.md#why-the-drain-stays-near-half-the-raw-rate-2026-12-02-afternoon.
/// </summary>
internal static class SqliteTimeText
{
    /// <summary>Longest form: '9999-12-31 23:59:59.9999999'.</summary>
    public const int MaxLength = 27;

    public static int Write(DateTime time, Span<byte> utf8)
    {
        WriteDigits(utf8[..4], time.Year);
        utf8[4] = (byte)'-';
        WriteDigits(utf8.Slice(5, 2), time.Month);
        utf8[7] = (byte)'-';
        WriteDigits(utf8.Slice(8, 2), time.Day);
        utf8[10] = (byte)' ';
        WriteDigits(utf8.Slice(11, 2), time.Hour);
        utf8[13] = (byte)':';
        WriteDigits(utf8.Slice(14, 2), time.Minute);
        utf8[16] = (byte)':';
        WriteDigits(utf8.Slice(17, 2), time.Second);
        var fraction = (int)(time.Ticks % TimeSpan.TicksPerSecond);
        if (fraction == 0)
            return 19;
        var digits = 7;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        utf8[19] = (byte)'.';
        WriteDigits(utf8.Slice(20, digits), fraction);
        return 20 + digits;
    }

    /// <summary>Reads a stored time as UTC; anything not in the stored form (written by hand, say) goes through DateTime.Parse.</summary>
    public static DateTime Read(ReadOnlySpan<byte> utf8)
    {
        if (TryReadStoredForm(utf8, out var ticks))
            return new DateTime(ticks, DateTimeKind.Utc);
        return DateTime.Parse(Encoding.UTF8.GetString(utf8), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    private static bool TryReadStoredForm(ReadOnlySpan<byte> utf8, out long ticks)
    {
        ticks = 0;
        if (utf8.Length is < 19 or 20 or > MaxLength
            || utf8[4] != '-' || utf8[7] != '-' || utf8[10] != ' ' || utf8[13] != ':' || utf8[16] != ':'
            || (utf8.Length > 19 && utf8[19] != '.'))
            return false;
        if (!TryDigits(utf8[..4], out var year) || !TryDigits(utf8.Slice(5, 2), out var month) || !TryDigits(utf8.Slice(8, 2), out var day)
            || !TryDigits(utf8.Slice(11, 2), out var hour) || !TryDigits(utf8.Slice(14, 2), out var minute) || !TryDigits(utf8.Slice(17, 2), out var second))
            return false;
        var fraction = 0;
        if (utf8.Length > 19)
        {
            if (!TryDigits(utf8[20..], out fraction))
                return false;
            for (var i = utf8.Length - 20; i < 7; i++)
                fraction *= 10;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction;
        return true;
    }

    private static void WriteDigits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (digit - '0');
        }
        return true;
    }
}
