using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace OrleansHpo.Dashboard.Tests;

/// <summary>The three pages in a real browser on a finished experiment: they load, the charts draw its data, the trial
/// table sorts and filters.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture browser, FinishedExperimentFixture experiment) : IClassFixture<FinishedExperimentFixture>
{
    private const string Name = FinishedExperimentFixture.Name;

    [Fact]
    public async Task Experiments_page_lists_the_experiment_with_its_counts_and_best()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(experiment.BaseUrl + "/");
        var row = page.Locator($"tr[data-name='{Name}']");
        await row.WaitForAsync();
        var text = await row.InnerTextAsync();
        Assert.Contains("completed", text);
        Assert.Contains("asha-promotion", text);
        Assert.Contains("random", text);
        Assert.Contains("24", text); // trials started
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Experiment_page_charts_draw_every_trial_and_rung()
    {
        var api = await Api($"/api/experiments/{Name}");
        int trials = api.GetProperty("table").GetProperty("count").GetInt32();
        int rungs = api.GetProperty("rungs").GetArrayLength();
        Assert.Equal(24, trials);

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{experiment.BaseUrl}/e/{Name}");
        await page.WaitForFunctionAsync("() => window.hpo && hpo.state && hpo.state.chartsReady");
        var charts = await page.EvaluateAsync<JsonElement>("""
            () => {
              const out = {};
              for (const [id, chart] of Object.entries(hpo.charts)) {
                const canvas = document.querySelector('#' + id + ' canvas');
                const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0, black = 0, blue = 0;
                for (let i = 0; i < d.length; i += 4) {
                  if (d[i + 3] === 0) continue;
                  painted++;
                  if (d[i] < 30 && d[i + 1] < 30 && d[i + 2] < 30 && d[i + 3] > 200) black++;
                  if (Math.abs(d[i] - 84) < 20 && Math.abs(d[i + 1] - 112) < 20 && Math.abs(d[i + 2] - 198) < 20) blue++;
                }
                out[id] = { series: chart.getOption().series.map(s => ({ type: s.type, n: s.data.length })), painted, black, blue };
              }
              return out;
            }
            """);
        // Best so far: one line, drawn in its colour.
        var best = charts.GetProperty("chart-best");
        Assert.Equal(1, best.GetProperty("series").GetArrayLength());
        Assert.True(best.GetProperty("blue").GetInt32() > 100, $"best-so-far line not drawn: {best}");
        // Learning curves: one polyline per trial, the best trial's in black.
        var curves = charts.GetProperty("chart-curves");
        Assert.Equal(trials, curves.GetProperty("series")[0].GetProperty("n").GetInt32());
        Assert.Equal(1, curves.GetProperty("series")[1].GetProperty("n").GetInt32());
        Assert.True(curves.GetProperty("black").GetInt32() > 100, $"best trial's curve not drawn: {curves}");
        // Rungs: occupancy per level, and trials gone on past every level below max_t.
        Assert.Equal(2 * rungs - 1, charts.GetProperty("chart-rungs").GetProperty("series").GetArrayLength());
        Assert.True(charts.GetProperty("chart-rungs").GetProperty("painted").GetInt32() > 2000);
        // Parallel coordinates: one line per trial with a metric.
        Assert.Equal(trials, charts.GetProperty("chart-parallel").GetProperty("series")[0].GetProperty("n").GetInt32());
        Assert.True(charts.GetProperty("chart-parallel").GetProperty("painted").GetInt32() > 2000);
        // The spec and the stop reason are shown.
        Assert.Contains("\"scheduler\"", await page.Locator("#spec").InnerTextAsync());
        Assert.Contains(api.GetProperty("stop_reason").GetString()!, await page.Locator("#stop-reason").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Trial_table_sorts_and_filters_by_status_metric_and_hyperparameter()
    {
        var api = await Api($"/api/experiments/{Name}");
        var table = api.GetProperty("table");
        var statuses = table.GetProperty("status").EnumerateArray().Select(s => s.GetString()).ToList();
        var lrs = table.GetProperty("config").GetProperty("learning_rate").EnumerateArray().Select(v => v.GetDouble()).ToList();

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{experiment.BaseUrl}/e/{Name}");
        await page.WaitForFunctionAsync("() => window.hpo && hpo.state && hpo.state.chartsReady");
        var rows = page.Locator("#trials tbody tr");
        Assert.Equal(24, await rows.CountAsync());

        // Default order: best metric, ascending (mode min).
        var best = await Column(page, "best");
        Assert.Equal(best.OrderBy(v => v).ToList(), best);

        // Sort by a hyperparameter, then reverse.
        await page.Locator("th[data-key='config.learning_rate']").ClickAsync();
        var up = await Column(page, "config.learning_rate");
        Assert.Equal(lrs.Order().ToList(), up);
        await page.Locator("th[data-key='config.learning_rate']").ClickAsync();
        Assert.Equal(lrs.OrderDescending().ToList(), await Column(page, "config.learning_rate"));

        // Filter by status.
        await page.Locator("select[data-filter='status']").SelectOptionAsync("paused");
        Assert.Equal(statuses.Count(s => s == "paused"), await rows.CountAsync());
        Assert.All(await page.Locator("#trials tbody td[data-col='status']").AllInnerTextsAsync(), s => Assert.Equal("paused", s.Trim()));
        await page.Locator("select[data-filter='status']").SelectOptionAsync("");

        // Filter by a hyperparameter range and by metric.
        await page.Locator("input[data-filter='config.learning_rate']").FillAsync("<0.01");
        Assert.Equal(lrs.Count(v => v < 0.01), await rows.CountAsync());
        Assert.All(await Column(page, "config.learning_rate"), v => Assert.True(v < 0.01));
        await page.Locator("input[data-filter='config.learning_rate']").FillAsync("");
        var bests = table.GetProperty("best").EnumerateArray().Select(v => v.GetDouble()).Order().ToList();
        double cut = bests[bests.Count / 2];
        await page.Locator("input[data-filter='best']").FillAsync("<=" + cut.ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal(bests.Count(v => v <= cut), await rows.CountAsync());

        // Filter by rung.
        await page.Locator("input[data-filter='best']").FillAsync("");
        await page.Locator("select[data-filter='rung']").SelectOptionAsync("1");
        int atRung1 = table.GetProperty("rung").EnumerateArray().Count(v => v.GetDouble() == 1);
        Assert.Equal(atRung1, await rows.CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Trial_page_shows_config_reports_decisions_and_checkpoint()
    {
        var api = await Api($"/api/experiments/{Name}");
        int id = api.GetProperty("best").GetProperty("trial_id").GetInt32();
        var trial = await Api($"/api/experiments/{Name}/trials/{id}");
        int reports = trial.GetProperty("reports").GetArrayLength();

        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{experiment.BaseUrl}/e/{Name}/t/{id}");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#reports tbody tr').length === {reports}");
        Assert.Contains("learning_rate", await page.Locator("#config").InnerTextAsync());
        Assert.Contains("embedded silo", await page.Locator("#runtime").InnerTextAsync());
        var checkpoint = await page.Locator("#checkpoint").InnerTextAsync();
        Assert.Contains("kept", checkpoint); // the best trial keeps its final checkpoint (keep_best 1)
        Assert.Contains("B", checkpoint); // a size
        var decisions = await page.Locator("#decisions tbody").InnerTextAsync();
        Assert.Contains("PAUSE", decisions);
        Assert.Contains("PROMOTE", decisions);
        var series = await page.EvaluateAsync<int>("() => hpo.charts['chart-trial'].getOption().series.find(s => s.name === 'loss').data.length");
        Assert.Equal(reports, series);
        await page.Context.CloseAsync();
    }

    private async Task<JsonElement> Api(string path)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(experiment.BaseUrl + path);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<double>> Column(IPage page, string key) =>
        [.. (await page.Locator($"#trials tbody td[data-col='{key}']").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.value)"))
            .Select(t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture))];
}
