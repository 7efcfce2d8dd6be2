using Microsoft.Playwright;

namespace Mnemo.Browser.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (browser downloads are not possible here),
/// and a real Mnemo server on loopback. <c>MNEMO_CHROMIUM</c> overrides the browser's path.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public MnemoTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MNEMO_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // The sandbox needs privileges a CI container lacks; the rest keeps Chromium off the network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Where screenshots go: <c>artifacts/screenshots</c> at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Mnemo.slnx")))
        {
            directory = directory.Parent;
        }
        var folder = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
