namespace RewardPortal.Core.Data;

/// <summary>
/// A number the database itself raises, by triggers, whenever the tables it counts change, whatever writes them (a page,
/// the API, a migration, an UPDATE by hand). A cache compares it with the number it was filled at, one read by primary
/// key, instead of reading again all it keeps.
/// </summary>
public class ChangeCounter
{
    public required string Name { get; set; }
    public long Value { get; set; }
}
