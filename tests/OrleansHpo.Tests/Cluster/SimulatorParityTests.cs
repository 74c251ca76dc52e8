using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Simulator;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// The simulator and an embedded run drive the same <see cref="ExperimentScheduler"/>: with one worker they make the
/// same decisions (same trials, same configs, same decision at every epoch) for every scheduler type.
/// </summary>
public sealed class SimulatorParityTests
{
    public static TheoryData<string, string> Schedulers => new()
    {
        { "fifo", Specs.Fifo },
        { "asha-stop", Specs.AshaStopping },
        { "asha-promo", Specs.AshaPromotion },
        { "hb-shared", Specs.HyperbandPromotion },
        { "hb-per-bracket", Specs.HyperbandPromotion.Replace("}", ", \"rung_system_per_bracket\": true }", StringComparison.Ordinal) },
        { "hb-stop", """{ "type": "hyperband", "variant": "stopping", "grace_period": 1, "reduction_factor": 3, "brackets": 3 }""" },
        { "sync-sh", Specs.SyncSh },
        { "sync-hb", Specs.SyncHyperband },
    };

    [Fact]
    public async Task Simulator_and_embedded_run_make_identical_decisions_with_one_worker()
    {
        await using var cluster = await HpoTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        foreach (var (name, scheduler) in Schedulers.Select(row => ((string)row[0], (string)row[1])))
        {
            var json = Specs.Synthetic("parity-" + name, scheduler, workers: 1, trials: 14, maxT: 9, seed: 11, tag: 900);
            var status = await cluster.RunAsync(json);
            Assert.True(status.Phase == ExperimentPhase.Completed, name + ": " + status);

            var spec = SpecParser.Parse(json).Spec!;
            var simulated = Path.Combine(cluster.Root, "sim-" + name);
            new Simulation(spec, new SyntheticTrainableFactory(), Simulation.DelayMsTimer(1.0)).Run(simulated);

            var real = Decisions(Path.Combine(cluster.ResultsDir(spec.Name), "results.csv"));
            var sim = Decisions(Path.Combine(simulated, "results.csv"));
            Assert.True(real.Count > 14, name);
            Assert.Equal(sim, real);
        }
    }

    /// <summary>(trial, epoch, decision, config columns) of every row, by trial then epoch.</summary>
    private static List<string> Decisions(string csv)
    {
        var header = File.ReadLines(csv).First().Split(',');
        int decision = Array.IndexOf(header, "st_decision");
        var configs = header.Select((h, i) => (h, i)).Where(c => c.h.StartsWith("config_", StringComparison.Ordinal) && c.h != "config_tag").Select(c => c.i).ToArray();
        return [.. File.ReadLines(csv).Skip(1)
            .Select(l => l.Split(','))
            .OrderBy(f => int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture))
            .ThenBy(f => int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture))
            .Select(f => string.Join(' ', new[] { f[0], f[4], f[decision] }.Concat(configs.Select(i => f[i]))))];
    }
}
