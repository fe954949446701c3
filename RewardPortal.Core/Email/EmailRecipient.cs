namespace RewardPortal.Core.Email;

public sealed record EmailRecipient(string Name, string Address);
