namespace RewardPortal.Core.ApiKeys;

/// <summary>A bearer key for the REST API. Only a hash is stored; the key itself is shown once.</summary>
public class ApiKey
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, so people can tell keys apart.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    public required string UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
