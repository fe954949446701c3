namespace RewardPortal.Core.Participants;

public class PostalAddress
{
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }

    public override string ToString() =>
        string.Join(", ", new[] { Line1, Line2, City, Region, PostalCode, Country }.Where(p => !string.IsNullOrWhiteSpace(p)));
}
