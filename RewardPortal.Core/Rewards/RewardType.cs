namespace RewardPortal.Core.Rewards;

public enum RewardType { Custom = 0, VoucherCode = 1, GiftCard = 2, Cash = 3 }

public static class RewardTypeNames
{
    public static string Display(this RewardType type) => type switch
    {
        RewardType.VoucherCode => "Voucher code",
        RewardType.GiftCard => "Gift card",
        _ => type.ToString(),
    };
}
