using RewardPortal.Core.Data;

namespace RewardPortal.Core.Auditing;

public static class AuditLog
{
    /// <summary>Adds an audit entry to the context, so it commits (or not) with the change it describes.</summary>
    public static void Audit(this RewardPortalDbContext db, string actor, string action, string entityType, object? entityId, string? details = null) =>
        db.AuditEntries.Add(Entry(actor, action, entityType, entityId, details));

    public static AuditEntry Entry(string actor, string action, string entityType, object? entityId, string? details = null) =>
        new()
        {
            At = DateTime.UtcNow,
            Actor = actor,
            Action = action,
            EntityType = entityType,
            EntityId = entityId?.ToString(),
            Details = details is { Length: > 4000 } ? details[..4000] : details,
        };
}
