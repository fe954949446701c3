using System.Buffers.Text;
using System.Globalization;
using System.Text;
using RewardPortal.Core.Common;

namespace RewardPortal.Web.Api;

/// <summary>
/// Where a poller of redemptions has got to: the last row's (transaction id, id), which is the order rows are paged in
/// (see CommitHorizon). Cursors given out before this order ("id:N") are still taken; the row they name gives its
/// transaction id.
/// </summary>
internal readonly record struct RedemptionCursor(long? TransactionId, long Id)
{
    public static readonly RedemptionCursor Start = new(0, 0);

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(FormattableString.Invariant($"tx:{TransactionId ?? 0}:{Id}")));

    public static RedemptionCursor Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return Start;
        string? text = null;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
        }
        var parts = text?.Split(':') ?? [];
        if (parts is ["tx", var tx, var id] && long.TryParse(tx, CultureInfo.InvariantCulture, out var txValue) && txValue >= 0
            && long.TryParse(id, CultureInfo.InvariantCulture, out var idValue) && idValue >= 0)
            return new RedemptionCursor(txValue, idValue);
        if (parts is ["id", var legacy] && long.TryParse(legacy, CultureInfo.InvariantCulture, out var legacyId) && legacyId >= 0)
            return new RedemptionCursor(null, legacyId);
        throw PortalException.Invalid("The cursor is not one this API gave out. Pass back nextCursor unchanged.", "after", "bad_cursor");
    }
}
