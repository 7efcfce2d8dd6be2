using Microsoft.Playwright;

namespace Mnemo.Browser.Tests;

/// <summary>Issue 19: the API reference at /docs renders the operations, with its assets served by Mnemo (Chromium here has no network).</summary>
public sealed class ApiReferenceTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_reference_page_shows_the_apis_operations()
    {
        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var failedRequests = new List<string>();
        var elsewhere = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(fixture.Server.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync(new Uri(fixture.Server.Address, "docs").ToString());

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mnemo API" }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByText("/api/v1/me").First).ToBeVisibleAsync();
        await page.GetByText("Tenants", new() { Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByText("/api/v1/tenants/{tenant_id}").First).ToBeVisibleAsync();
        Assert.Empty(failedRequests);
        Assert.Empty(elsewhere);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("api-reference.png") });
    }
}
