using Microsoft.Playwright;

namespace RewardPortal.Tests.EndToEnd;

/// <summary>MudBlazor controls as a person uses them: open the select by its label, pick from the popover.</summary>
/// <remarks>
/// A click that lands while the circuit re-renders the popover reaches a handler that no longer exists and is dropped,
/// as a person's would be; a person clicks again, and so do these helpers, after checking the first click did not land late.
/// </remarks>
internal static class Ui
{
    private static readonly TimeSpan ClickLands = TimeSpan.FromSeconds(4);
    private const int Attempts = 4;

    public static async Task ChooseAsync(IPage page, string label, params string[] options)
    {
        var select = page.Locator($".mud-select:has(label:text-is('{label}'))").First;
        var items = page.Locator(".mud-popover-open .mud-list-item");
        foreach (var option in options)
        {
            var item = items.Filter(new() { HasText = option }).First;
            await UntilAsync(async () =>
            {
                // The list may have closed since (a late click toggled it): open it again, then pick.
                if (await items.CountAsync() == 0)
                    await select.ClickAsync();
                await item.ClickAsync(new() { Timeout = (float)ClickLands.TotalMilliseconds });
            }, () => ShowsAsync(select, option), $"'{option}' to be chosen in '{label}'");
        }
        // A multi-select stays open after a pick: click on it again (on the popover's overlay) to close it.
        await UntilAsync(async () =>
        {
            if (await items.CountAsync() > 0)
                await select.ClickAsync(new() { Force = true });
        }, async () => await items.CountAsync() == 0, $"the '{label}' list to close");
    }

    /// <summary>Whether the select shows <paramref name="option"/> among its chosen values.</summary>
    private static async Task<bool> ShowsAsync(ILocator select, string option)
    {
        var input = select.Locator("input").First;
        var value = await input.CountAsync() > 0 ? await input.InputValueAsync() : "";
        return value.Contains(option, StringComparison.OrdinalIgnoreCase)
            || (await select.InnerTextAsync()).Contains(option, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Opens a page and waits until it is interactive.</summary>
    public static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    public static Task FillAsync(IPage page, string label, string value)
    {
        var control = $".mud-input-control:has(label:text-is('{label}'))";
        return page.Locator($"{control} input, {control} textarea").First.FillAsync(value);
    }

    /// <summary>Acts, then waits for the outcome; acts again only when the outcome never came.</summary>
    private static async Task UntilAsync(Func<Task> act, Func<Task<bool>> done, string what)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (await done())
                return;
            try
            {
                await act();
            }
            catch (TimeoutException)
            {
                // The element was not there to click (the list closed or re-rendered): the next attempt starts over.
            }
            var deadline = DateTime.UtcNow + ClickLands;
            while (DateTime.UtcNow < deadline)
            {
                if (await done())
                    return;
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Waited for {what}: {Attempts} clicks, {ClickLands.TotalSeconds:0} s each, without it.");
    }
}
