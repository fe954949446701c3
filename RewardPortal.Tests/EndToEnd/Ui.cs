using Microsoft.Playwright;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>MudBlazor controls as a person uses them: open the select by its label, pick from the popover.</summary>
internal static class Ui
{
    public static async Task ChooseAsync(IPage page, string label, params string[] options)
    {
        var select = page.Locator($".mud-select:has(label:text-is('{label}'))").First;
        await select.ClickAsync();
        foreach (var option in options)
            await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
        // A multi-select stays open after a pick: click on it again (on the popover's overlay) to close it.
        if (await page.Locator(".mud-popover-open .mud-list-item").CountAsync() > 0)
            await select.ClickAsync(new() { Force = true });
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    /// <summary>Opens a page and waits until it is interactive.</summary>
    public static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    public static Task FillAsync(IPage page, string label, string value) =>
        page.Locator(
            $".mud-input-control:has(label:text-is('{label}')) input, .mud-input-control:has(label:text-is('{label}')) textarea").First.FillAsync(value);
}
