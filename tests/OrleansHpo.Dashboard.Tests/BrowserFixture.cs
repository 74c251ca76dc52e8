using Microsoft.Playwright;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>
/// One headless Chromium for the browser tests: Debian's package (/usr/bin/chromium, or $HPO_CHROMIUM), launched by
/// Playwright through ExecutablePath, so Playwright never downloads a browser of its own.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("HPO_CHROMIUM") ?? "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"no Chromium at {ChromiumPath}: run scripts/install-deps.sh (installs Debian's chromium) or set HPO_CHROMIUM");
        }
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }

    /// <summary>A fresh page (its own cookies), 1400x1000, with a 20 s default timeout (the machine is shared).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
