using System.Buffers.Text;
using System.Text;
using RewardPortal.Core.Common;

namespace RewardPortal.Web.Api;

/// <summary>A page of results, oldest first. Pass <see cref="NextCursor"/> as <c>after</c> for the next page.</summary>
public record Page<T>(IReadOnlyList<T> Data, string? NextCursor, bool HasMore);

/// <summary>
/// Opaque cursors over ascending ids. Ids only grow and rows are never deleted, so a page boundary never skips or
/// repeats a row, however many are written meanwhile.
/// </summary>
internal static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode(long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"id:{id}"));

    public static long Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("id:", StringComparison.Ordinal) && long.TryParse(text[3..], out var id) && id >= 0)
                return id;
        }
        catch (FormatException)
        {
        }
        throw PortalException.Invalid("The cursor is not one this API gave out. Pass back nextCursor unchanged.", "after", "bad_cursor");
    }

    public static int Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw PortalException.Invalid($"limit must be between 1 and {MaxLimit}.", "limit"),
        _ => limit.Value,
    };

    public static Page<TOut> ToPage<TIn, TOut>(List<TIn> rows, int limit, Func<TIn, long> id, Func<TIn, TOut> map)
    {
        var hasMore = rows.Count > limit;
        var data = rows.Take(limit).Select(map).ToList();
        return new Page<TOut>(data, hasMore ? Encode(id(rows[limit - 1])) : null, hasMore);
    }
}
