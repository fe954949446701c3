using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Identity;
using RewardPortal.Tests.Infrastructure;
using RewardPortal.Web.Components.Pages.Account;
using RewardPortal.Web.Components.Shared;

namespace RewardPortal.Tests.Components.Pages.Account;

public sealed class MyAccountPageTests : AdminComponentTest
{
    [Fact]
    public void ChangingThePasswordShowsEveryProblemAtOnceInPlainWords()
    {
        var page = Render<MyAccount>();
        page.WaitForElement("[data-testid=change-password]");
        Assert.Contains("At least 10 characters", FieldText(page, "new-password"));
        page.Find("[data-testid=current-password]").Change("not-my-password");
        page.Find("[data-testid=new-password]").Change("short");
        page.Find("[data-testid=confirm-password]").Change("different");

        page.Find("[data-testid=change-password]").Click();

        page.WaitForAssertion(() => Assert.Contains("This is not your current password.", FieldText(page, "current-password")));
        Assert.Contains(
            "The password needs at least 10 characters, a symbol (such as ! or -), a digit (0-9) and an upper-case letter.", FieldText(page, "new-password"));
        Assert.Contains("The two new passwords differ.", FieldText(page, "confirm-password"));
    }

    [Fact]
    public async Task ANewPasswordSignsThisTabInAgainWithAFreshCookie()
    {
        var page = Render<MyAccount>();
        page.WaitForElement("[data-testid=change-password]");
        page.Find("[data-testid=current-password]").Change(TestUsers.Password);
        page.Find("[data-testid=new-password]").Change("Brand-New-Passw0rd");
        page.Find("[data-testid=confirm-password]").Change("Brand-New-Passw0rd");

        page.Find("[data-testid=change-password]").Click();

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.StartsWith("http://localhost/account/renew?ticket=", navigation.Uri));
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByIdAsync(ActorId))!, "Brand-New-Passw0rd"));
    }

    [Fact]
    public async Task AUserWhoMustReplaceTheirPasswordIsSentToMyAccountFromAnyPage()
    {
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(ActorId))!;
            user.MustChangePassword = true;
            await users.UpdateAsync(user);
        }
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/admin/participants");

        var gate = Render<PasswordChangeGate>(p => p.AddChildContent("<p id='page'>the page</p>"));

        gate.WaitForAssertion(() => Assert.Equal("http://localhost/account/me", navigation.Uri));
        var page = Render<MyAccount>();
        page.WaitForElement("[data-testid=must-change-password]");
    }
}
