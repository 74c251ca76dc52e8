using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansHpo.Tests.Cli;

/// <summary>The real <c>hpo</c> process: run, exit codes, crash and resume.</summary>
public sealed class RunAndResumeTests
{
    private static string Spec(string dir, string name, int delayMs, int trials) => SyntheticAshaSpec.Write(dir, name, trials, delayMs, seed: 3);

    [Fact]
    public async Task Run_prints_best_and_writes_results_and_metadata()
    {
        var dir = HpoProcess.TempDir();
        var spec = Spec(dir, "cli-run", 0, 30);
        var (code, output, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "run", spec, "--results-dir", dir);
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        var best = output.Split('\n').Single(l => l.StartsWith("best: ", StringComparison.Ordinal));
        var json = JsonNode.Parse(best["best: ".Length..])!;
        Assert.NotNull(json["trial_id"]);
        Assert.NotNull(json["loss"]);
        Assert.NotNull(json["config"]!["learning_rate"]);
        var header = File.ReadLines(Path.Combine(dir, "cli-run", "results.csv")).First().Split(',');
        Assert.Equal(["trial_id", "st_tuner_time", "st_worker_time", "st_decision", "epoch", "loss", "accuracy"], header.Take(7));
        Assert.Contains("config_learning_rate", header);
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cli-run", "metadata.json")))!;
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
        Assert.Equal(30, metadata["num_trials_started"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_malformed_spec_exits_2_naming_the_field()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "bad.json");
        File.WriteAllText(spec, File.ReadAllText(Spec(dir, "bad", 0, 10)).Replace("\"lower\": 0.0001", "\"lower\": 0"));
        var (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "run", spec, "--results-dir", dir);
        Assert.Equal(2, code);
        Assert.Contains("config_space.learning_rate.lower", error);
        Assert.DoesNotContain("   at ", error); // never a stack trace
    }

    [Fact]
    public async Task Unknown_trainable_and_missing_file_exit_2()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "t.json");
        File.WriteAllText(spec, File.ReadAllText(Spec(dir, "t", 0, 10)).Replace("\"synthetic\"", "\"nope\""));
        var (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "run", spec, "--results-dir", dir);
        Assert.Equal(2, code);
        Assert.Contains("trainable", error);
        Assert.Contains("synthetic", error); // lists what is registered

        (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "run", Path.Combine(dir, "missing.json"), "--results-dir", dir);
        Assert.Equal(2, code);
        Assert.Contains("no file", error);

        (code, _, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(60), "resume", "ghost", "--results-dir", dir);
        Assert.Equal(2, code);
        Assert.Contains("ghost", error);
    }

    [Fact]
    public async Task Killed_run_is_finished_by_resume_with_no_trial_lost_and_no_report_duplicated()
    {
        var dir = HpoProcess.TempDir();
        const int trials = 40;
        var spec = Spec(dir, "crash", 25, trials);
        var results = Path.Combine(dir, "crash", "results.csv");
        using (var run = HpoProcess.Start("run", spec, "--results-dir", dir))
        {
            _ = run.StandardOutput.ReadToEndAsync();
            _ = run.StandardError.ReadToEndAsync();
            // Kill -9 once the experiment is well under way (condition, not a sleep): 40 reports written.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (HpoProcess.CountLines(results) < 41 && DateTime.UtcNow < deadline && !run.HasExited)
            {
                await Task.Delay(20);
            }
            Assert.False(run.HasExited, "the run finished before it could be killed");
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
        }
        var before = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "crash", "metadata.json")))!;
        Assert.Equal("running", before["status"]!.GetValue<string>());

        var (code, output, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "resume", "crash", "--results-dir", dir);
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("best: ", output);

        var rows = File.ReadLines(results).Skip(1).Select(l => l.Split(',')).ToList();
        var keys = rows.Select(r => (Trial: int.Parse(r[0], CultureInfo.InvariantCulture), Epoch: int.Parse(r[4], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count()); // no report recorded twice
        Assert.Equal(Enumerable.Range(0, trials), keys.Select(k => k.Trial).Distinct().Order()); // no trial lost
        foreach (var group in keys.GroupBy(k => k.Trial))
        {
            Assert.Equal(Enumerable.Range(1, group.Count()), group.Select(k => k.Epoch).Order()); // no gap
        }
        var after = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "crash", "metadata.json")))!;
        Assert.Equal("completed", after["status"]!.GetValue<string>());
        Assert.Equal(trials, after["num_trials_started"]!.GetValue<int>());
    }
}
