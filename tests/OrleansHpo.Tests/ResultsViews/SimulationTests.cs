using OrleansHpo.Core.Training;
using OrleansHpo.Simulator;
using OrleansHpo.Tests.Cli;
using OrleansHpo.Tests.Cluster;

namespace OrleansHpo.Tests.ResultsViews;

/// <summary>The simulator: deterministic, and it takes the same decisions as the grains.</summary>
public sealed class SimulationTests
{
    [Theory]
    [InlineData(Specs.AshaPromotion)]
    [InlineData(Specs.SyncHyperband)]
    public void Same_seed_gives_the_same_results_file(string scheduler)
    {
        var json = SimulatedExperiments.SpecJson("det", scheduler, workers: 8, trials: 300);
        var a = SimulatedExperiments.Write(json);
        var b = SimulatedExperiments.Write(json);
        var rowsA = File.ReadAllLines(Path.Combine(a, "det", "results.csv"));
        var rowsB = File.ReadAllLines(Path.Combine(b, "det", "results.csv"));
        Assert.True(rowsA.Length > 300);
        Assert.Equal(rowsA, rowsB);

        var other = SimulatedExperiments.Write(json.Replace("\"seed\": 7", "\"seed\": 8", StringComparison.Ordinal));
        Assert.NotEqual(rowsA, File.ReadAllLines(Path.Combine(other, "det", "results.csv")));
    }

    [Fact]
    public void Wall_clock_budget_is_simulated_time_and_stops_running_trials()
    {
        var json = SimulatedExperiments.SpecJson("budget", Specs.AshaStopping, workers: 4, trials: 100000, stop: ", \"max_wallclock_seconds\": 3");
        var root = HpoProcess.TempDir();
        var spec = SimulatedExperiments.Spec(json);
        var result = new Simulation(spec, new SyntheticTrainableFactory(), Simulation.DelayMsTimer(1.0)).Run(Path.Combine(root, "budget"));
        Assert.Equal(3.0, result.SimulatedSeconds, 6);
        Assert.Equal("max_wallclock_seconds", result.StopReason);
        // 4 workers x 3 s / 0.1 s per epoch = 120 epoch slots; the epochs in progress at the end are lost.
        Assert.InRange(result.Reports, 112, 120);
        var experiment = OrleansHpo.Results.Experiment.Load(Path.Combine(root, "budget"));
        Assert.True(experiment.IsSimulated);
        Assert.All(experiment.Rows, r => Assert.InRange(r.TunerTime, 0, 3.0));
    }

    /// <summary>
    /// One worker: the embedded silo (real grains, the real hpo process) and the simulator take the same decisions,
    /// so results.csv agrees on every (trial, epoch, decision, loss).
    /// </summary>
    [Theory]
    [InlineData("agree-asha-promotion", Specs.AshaPromotion)]
    [InlineData("agree-asha-stopping", Specs.AshaStopping)]
    [InlineData("agree-sync-hyperband", Specs.SyncHyperband)]
    public async Task One_worker_decisions_match_a_real_embedded_run(string name, string scheduler)
    {
        var json = SimulatedExperiments.SpecJson(name, scheduler, workers: 1, trials: 25).Replace("\"delay_ms\": 100", "\"delay_ms\": 0", StringComparison.Ordinal);
        var dir = HpoProcess.TempDir();
        var specPath = Path.Combine(dir, name + ".json");
        File.WriteAllText(specPath, json);
        var (code, output, error) = await HpoProcess.RunAsync(TimeSpan.FromSeconds(120), "run", specPath, "--results-dir", dir, "--quiet");
        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");

        var simRoot = SimulatedExperiments.Write(json);
        var real = Decisions(Path.Combine(dir, name, "results.csv"));
        var simulated = Decisions(Path.Combine(simRoot, name, "results.csv"));
        Assert.True(real.Count > 25);
        Assert.Equal(real, simulated);
    }

    private static List<string> Decisions(string csv) =>
        [.. File.ReadLines(csv).Skip(1).Select(l => l.Split(',')).Select(f => $"{f[0]},{f[4]},{f[3]},{f[5]}").Order(StringComparer.Ordinal)];
}
