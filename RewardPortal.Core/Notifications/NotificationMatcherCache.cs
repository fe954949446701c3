using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Data;

namespace RewardPortal.Core.Notifications;

/// <summary>
/// The <see cref="NotificationMatcher"/>, kept between events. Every redemption matches its events with it, and it changes
/// only when someone edits a notification, its rewards or campaigns. Each use reads the change counter that the database
/// raises on every such edit (<see cref="NotificationMatcherTriggers"/>), one read by primary key, and reads the
/// notifications again only when it moved: an edit counts from its commit on, on every node, as when they were read each time.
/// </summary>
public sealed class NotificationMatcherCache
{
    private const string ReadCounter = $"""SELECT "Value" FROM "ChangeCounters" WHERE "Name" = '{NotificationMatcherTriggers.Counter}'""";

    private volatile NotificationMatcher? kept;

    public async Task<NotificationMatcher> CurrentAsync(RewardPortalDbContext db, CancellationToken cancellationToken = default)
    {
        var version = await ReadCounterAsync(db, cancellationToken);
        if (kept is { } matcher && version is not null && matcher.Version == version)
            return matcher;
        var read = await NotificationMatcher.LoadAsync(db, version, cancellationToken);
        // Only what was read outside a transaction is kept: a transaction's own edits, and the count they raised, may yet roll back.
        if (version is not null && db.Database.CurrentTransaction is null)
            kept = read;
        return read;
    }

    private static Task<long?> ReadCounterAsync(RewardPortalDbContext db, CancellationToken cancellationToken) =>
        RawCommand.FirstRowAsync(db, ReadCounter, [], [], reader => (long?)reader.GetInt64(0), cancellationToken);
}
