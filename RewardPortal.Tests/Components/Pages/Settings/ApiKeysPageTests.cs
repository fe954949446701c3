using Bunit;
using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using ApiKeysPage = RewardPortal.Web.Components.Pages.Settings.ApiKeys;

namespace RewardPortal.Tests.Components.Pages.Settings;

public sealed class ApiKeysPageTests : ComponentTest
{
    [Fact]
    public async Task CreatingAKeyShowsItOnceAndStoresOnlyItsHash()
    {
        await using (var db = Database.CreateDbContext())
        {
            db.Users.Add(TestData.User("owner@test.local", id: "owner@test.local"));
            await db.SaveChangesAsync();
        }
        SignInAs("owner@test.local", Roles.Owner);
        var providers = RenderProviders();
        var page = Render<ApiKeysPage>();

        page.Find("[data-testid=create-key]").Click();
        providers.WaitForElement("[data-testid=key-create]").Click();
        providers.WaitForAssertion(() => Assert.Contains("Give the key a name", providers.Markup));

        providers.Find("[data-testid=key-name]").Change("Fulfilment vendor");
        providers.Find("[data-testid=key-create]").Click();
        var secret = providers.WaitForElement("[data-testid=key-secret]").GetAttribute("value")!;

        Assert.StartsWith(ApiKeyHasher.KeyPrefix, secret);
        await using var check = Database.CreateDbContext();
        var stored = await check.ApiKeys.SingleAsync();
        Assert.Equal(ApiKeyHasher.Hash(secret), stored.Hash);
        Assert.DoesNotContain(secret, stored.Prefix + stored.Hash);
    }
}
