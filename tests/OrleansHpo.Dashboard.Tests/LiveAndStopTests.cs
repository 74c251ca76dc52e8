using System.Net;
using System.Text.Json.Nodes;
using OrleansHpo.Client.Commands;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>A running experiment in the browser: new reports appear without a reload, and the stop button stops it
/// gracefully (status and stop reason recorded in metadata.json, as hpo stop).</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveAndStopTests(BrowserFixture browser)
{
    [Fact]
    public async Task New_reports_appear_live_and_the_stop_button_stops_the_experiment()
    {
        var root = Experiments.TempDir("live");
        const string name = "live-asha";
        var csv = Path.Combine(root, name, "results.csv");
        var metadata = Path.Combine(root, name, "metadata.json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = Experiments.Run(root, Experiments.Spec(root, name, trials: 500, delayMs: 150, wallclockSeconds: 110));
        await using var server = await DashboardCommand.Start(root, IPAddress.Loopback, 0, null, null, null, CancellationToken.None);
        try
        {
            await Experiments.WaitFor(() => Experiments.ReportLines(csv) >= 4 || run.IsCompleted, TimeSpan.FromSeconds(60), "the first reports");
            Assert.False(run.IsCompleted, "the run ended before the page was opened");

            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.Url + "e/" + name);
            await page.WaitForFunctionAsync("() => window.hpo && hpo.state && hpo.state.chartsReady");
            await page.EvaluateAsync("() => { window.__loadedOnce = true; }");
            int shown = await ReportsShown(page);
            int curves = await page.EvaluateAsync<int>("() => hpo.charts['chart-curves'].getOption().series[2].data.length");

            // The file grows; the page follows without a reload.
            await Experiments.WaitFor(() => Experiments.ReportLines(csv) > shown + 2, TimeSpan.FromSeconds(30), "new reports in results.csv");
            int written = Experiments.ReportLines(csv);
            await page.WaitForFunctionAsync($"() => +document.querySelector('[data-count=reports] b').textContent >= {written}", null, new() { Timeout = 10_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__loadedOnce === true"), "the page was reloaded");
            Assert.True(await page.EvaluateAsync<int>("() => hpo.charts['chart-curves'].getOption().series[2].data.length") > curves, "the learning curves did not grow");
            Assert.True(await page.EvaluateAsync<int>("() => hpo.updates") > 0);

            // Stop: confirm the dialog; the run process takes the request and records the stop.
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await page.Locator("#stop").ClickAsync();
            var finished = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, finished.Code);
            var m = JsonNode.Parse(File.ReadAllText(metadata))!;
            // As `hpo stop`: the running trials drain to a checkpoint and `hpo resume` continues (docs/architecture.md).
            Assert.Equal("interrupted", m["status"]!.GetValue<string>());
            Assert.Contains("stopped from the dashboard", m["stop_reason"]!.GetValue<string>());
            // The page shows it, live.
            await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'interrupted'");
            Assert.Contains("stopped from the dashboard", await page.Locator("#stop-reason").InnerTextAsync());
            Assert.True(await page.Locator("#stop").IsHiddenAsync());
            await page.Context.CloseAsync();
        }
        finally
        {
            if (!run.IsCompleted)
            {
                File.WriteAllText(Path.Combine(root, name, "stop-request"), "test cleanup");
                await run.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
    }

    private static Task<int> ReportsShown(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<int>("() => +document.querySelector('[data-count=reports] b').textContent");
}
