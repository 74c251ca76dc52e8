using System.Text.Json.Nodes;
using OrleansHpo.Client;
using OrleansHpo.Tests.Cluster;
using OrleansHpo.Tests.ResultsViews;

namespace OrleansHpo.Tests.Cli;

/// <summary>results, plot, compare, status, list, stop and simulate: exit codes, output shape, bad input.</summary>
public sealed class ResultsVerbsTests
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = HpoProcess.TempDir();
        SimulatedExperiments.Write(SimulatedExperiments.SpecJson("verbs", Specs.AshaPromotion, trials: 30), root);
        SimulatedExperiments.Write(SimulatedExperiments.SpecJson("verbs-b", Specs.SyncHyperband, trials: 30), root);
        return root;
    });

    private static async Task<(int Code, string Output, string Error)> Hpo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HpoCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Results_table_csv_and_json_have_one_row_per_trial()
    {
        var (code, table, _) = await Hpo("results", "verbs", "--results-dir", Root.Value);
        Assert.Equal(0, code);
        var lines = table.Trim().Split('\n');
        Assert.Contains("best loss", lines[1]);
        Assert.Equal(30, lines.Length - 2);

        (code, var csv, _) = await Hpo("results", "verbs", "--results-dir", Root.Value, "--csv", "--top", "5");
        Assert.Equal(0, code);
        var rows = csv.Trim().Split('\n');
        Assert.Equal("trial_id,status,epoch,best_loss,best_epoch,loss,first_time,last_time", string.Join(',', rows[0].Split(',').Take(8)));
        Assert.Equal(6, rows.Length);

        (code, var json, _) = await Hpo("results", "verbs", "--results-dir", Root.Value, "--json", "--sort", "trial");
        Assert.Equal(0, code);
        var array = JsonNode.Parse(json)!.AsArray();
        Assert.Equal(30, array.Count);
        Assert.Equal(0, array[0]!["trial_id"]!.GetValue<int>());
        Assert.NotNull(array[0]!["config"]!["learning_rate"]);
    }

    [Fact]
    public async Task Unknown_experiment_exits_2_and_lists_the_known_ones()
    {
        foreach (var verb in new[] { "results", "status", "best", "stop" })
        {
            var (code, _, error) = await Hpo(verb, "nope", "--results-dir", Root.Value);
            Assert.Equal(2, code);
            Assert.Contains("known: verbs, verbs-b", error);
        }
        var (c, _, e) = await Hpo("plot", "nope", "--results-dir", Root.Value, "--out", Path.Combine(HpoProcess.TempDir(), "x.png"));
        Assert.Equal(2, c);
        Assert.Contains("known:", e);
    }

    [Fact]
    public async Task Bad_input_exits_2_naming_the_fix()
    {
        var (code, _, error) = await Hpo("plot", "verbs", "--results-dir", Root.Value);
        Assert.Equal(2, code);
        Assert.Contains("--out", error);
        (code, _, error) = await Hpo("plot", "verbs", "--results-dir", Root.Value, "--out", "x.jpg");
        Assert.Equal(2, code);
        Assert.Contains(".png", error);
        (code, _, error) = await Hpo("results", "verbs", "--results-dir", Root.Value, "--csv", "--json");
        Assert.Equal(2, code);
        Assert.Contains("pick one", error);
        (code, _, error) = await Hpo("compare", "zz*", "--results-dir", Root.Value, "--out", Path.Combine(HpoProcess.TempDir(), "c.png"));
        Assert.Equal(2, code);
        Assert.Contains("no experiment matches", error);
        (code, _, error) = await Hpo("simulate", Path.Combine(Root.Value, "missing.json"), "--results-dir", Root.Value);
        Assert.Equal(2, code);
        Assert.Contains("no file", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Plot_and_compare_write_pngs()
    {
        var dir = HpoProcess.TempDir();
        var (code, output, error) = await Hpo("plot", "verbs", "--results-dir", Root.Value, "--out", Path.Combine(dir, "a.png"), "--kind", "curves");
        Assert.True(code == 0, error);
        Assert.Contains("wrote", output);
        (code, _, error) = await Hpo("compare", "verbs*", "--results-dir", Root.Value, "--out", Path.Combine(dir, "b.png"));
        Assert.True(code == 0, error);
        Assert.True(new FileInfo(Path.Combine(dir, "a.png")).Length > 10_000);
        Assert.True(new FileInfo(Path.Combine(dir, "b.png")).Length > 10_000);
    }

    [Fact]
    public async Task Status_shows_rungs_budget_and_best_and_list_shows_every_experiment()
    {
        var (code, status, _) = await Hpo("status", "verbs", "--results-dir", Root.Value);
        Assert.Equal(0, code);
        Assert.Contains("verbs: completed (simulated) (asha-promotion, 4 workers)", status);
        Assert.Contains("trials 30/30 started (0 left)", status);
        Assert.Contains("workers: 0/4 busy", status);
        Assert.Contains("9 (max_t)", status);
        Assert.Contains("best: loss ", status);

        (code, var list, _) = await Hpo("list", "--results-dir", Root.Value);
        Assert.Equal(0, code);
        Assert.Contains("verbs ", list);
        Assert.Contains("sync-hyperband", list);
        Assert.Contains("* simulated time", list);
    }

    [Fact]
    public async Task Simulate_writes_the_results_format_and_refuses_to_replace_a_real_run()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "s.json");
        File.WriteAllText(spec, SimulatedExperiments.SpecJson("s", Specs.AshaStopping, trials: 50));
        var (code, output, error) = await Hpo("simulate", spec, "--results-dir", dir, "--set", "n_workers=16", "--json");
        Assert.True(code == 0, error);
        var summary = JsonNode.Parse(output)!;
        Assert.Equal(50, summary["trials_started"]!.GetValue<int>());
        Assert.Equal(16, summary["n_workers"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(dir, "s-sim", "results.csv")));
        (code, _, _) = await Hpo("results", "s-sim", "--results-dir", dir);
        Assert.Equal(0, code);

        Directory.CreateDirectory(Path.Combine(dir, "real"));
        File.WriteAllText(Path.Combine(dir, "real", "metadata.json"), """{"name":"real","status":"completed"}""");
        (code, _, error) = await Hpo("simulate", spec, "--results-dir", dir, "--name", "real");
        Assert.Equal(2, code);
        Assert.Contains("real experiment", error);
    }

    [Fact]
    public async Task Simulate_replays_a_results_csv_as_curves()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "c.json");
        File.WriteAllText(spec, SimulatedExperiments.SpecJson("c", Specs.AshaPromotion, trials: 1000));
        var (code, output, error) = await Hpo("simulate", spec, "--results-dir", dir, "--curves", Path.Combine(Root.Value, "verbs", "results.csv"), "--json");
        Assert.True(code == 0, error);
        // The table is the searcher: its 30 trials, then the search is exhausted.
        Assert.Equal(30, JsonNode.Parse(output)!["trials_started"]!.GetValue<int>());
    }

    [Fact]
    public async Task Stop_on_a_finished_experiment_is_a_no_op_and_without_a_runner_it_times_out_with_1()
    {
        var (code, output, _) = await Hpo("stop", "verbs", "--results-dir", Root.Value);
        Assert.Equal(0, code);
        Assert.Contains("already completed", output);

        var dir = HpoProcess.TempDir();
        Directory.CreateDirectory(Path.Combine(dir, "idle"));
        File.WriteAllText(Path.Combine(dir, "idle", "metadata.json"), """{"name":"idle","status":"running"}""");
        (code, _, var error) = await Hpo("stop", "idle", "--results-dir", dir, "--wait", "--timeout", "0.5");
        Assert.Equal(1, code);
        Assert.Contains("no hpo process picked up the stop request", error);
    }

    [Fact]
    public async Task Stop_ends_a_run_in_another_process_and_records_the_reason()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "long.json");
        File.WriteAllText(spec, SimulatedExperiments.SpecJson("long", Specs.AshaPromotion, trials: 100000, maxT: 27)
            .Replace("\"delay_ms\": 100", "\"delay_ms\": 20", StringComparison.Ordinal));
        using var run = HpoProcess.Start("run", spec, "--results-dir", dir, "--json");
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await run.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });
        var metadata = Path.Combine(dir, "long", "metadata.json");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(File.Exists(metadata) && File.ReadAllText(metadata).Contains("\"num_reports\": ", StringComparison.Ordinal)
                 && JsonNode.Parse(File.ReadAllText(metadata))!["num_reports"]!.GetValue<int>() > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "the run never reported");
            await Task.Delay(100);
        }
        var (code, output, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(90), "stop", "long", "--results-dir", dir, "--wait", "--timeout", "60");
        Assert.True(code == 0, $"{output}\n{error}");
        await run.WaitForExitAsync();
        await reading;
        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(File.ReadAllText(metadata))!;
        // The run drained (trials checkpointed): interrupted, and `hpo resume` continues it.
        Assert.Equal("interrupted", json["status"]!.GetValue<string>());
        Assert.Equal("stopped by hpo stop", json["stop_reason"]!.GetValue<string>());
        // --json: every line is one JSON object, the last one says how it finished.
        var objects = lines.Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("finished", objects[^1]["event"]!.GetValue<string>());
        Assert.Equal("stopped by hpo stop", objects[^1]["stop_reason"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(dir, "long", "stop-request")));
    }
}
