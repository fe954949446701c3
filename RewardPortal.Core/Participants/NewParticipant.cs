using System.ComponentModel.DataAnnotations;

namespace RewardPortal.Core.Participants;

public class NewParticipant
{
    [Required, StringLength(200)]
    public string Name { get; set; } = "";
    [Required, EmailAddress, StringLength(320)]
    public string Email { get; set; } = "";
    public PostalAddress Address { get; set; } = new();
    public Dictionary<string, string> CustomFields { get; set; } = [];
}
