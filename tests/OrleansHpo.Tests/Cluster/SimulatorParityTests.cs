using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Simulator;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// The simulator and an embedded run drive the same <see cref="ExperimentScheduler"/>: with one worker they make the
/// same decisions (same trials, same configs, same decision at every epoch) for every scheduler type, and so they do
/// for ASHA promotion with four workers when the embedded run's epochs end in the simulator's order.
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

    /// <summary>
    /// Four workers, ASHA promotion. Real epochs end in an order set by threads and message latency, so the embedded
    /// run cannot reproduce a clock by itself; instead its trainable ("lockstep", <see cref="LockstepTrainableFactory"/>)
    /// lets one epoch end at a time, in the order the simulator's clock ended them, and only once the previous epoch's
    /// consequences are complete (its rung decision taken, the trial event it caused processed by the experiment, the
    /// slot it freed filled). The simulator's epochs take different times per trial and epoch, so the runs interleave
    /// and promotions are decided while other trials run. Nothing waits on time: the gate waits on conditions.
    /// </summary>
    [Fact]
    public async Task Simulator_and_embedded_run_make_identical_asha_promotion_decisions_with_four_workers()
    {
        var json = Specs.Synthetic("parity4-asha", Specs.AshaPromotion, workers: 4, trials: 20, maxT: 9, seed: 5, tag: 901)
            .Replace("\"counting\"", "\"lockstep\"", StringComparison.Ordinal);
        var spec = SpecParser.Parse(json).Spec!;
        List<IReadOnlyList<(int TrialId, int Epoch)>> steps = [];
        var simulated = Path.Combine(Path.GetTempPath(), "hpo-tests", "sim4-" + Guid.NewGuid().ToString("N")[..8]);
        var simulation = new Simulation(spec, new SyntheticTrainableFactory(), (trial, _, epoch) => 1 + ((trial * 7 + epoch * 3) % 5) / 4.0)
        {
            OnPending = steps.Add,
        };
        var sim = simulation.Run(simulated);
        Assert.Equal(4, steps[0].Count);
        Assert.True(sim.Promotions >= 5, $"the trace should promote while other trials run: {sim}");

        var gate = new LockstepTrainableFactory(steps);
        await using var cluster = await HpoTestCluster.StartAsync(silos: 1, slotsPerSilo: 4,
            configure: o => o.AdditionalTrainables.Add(gate),
            configureSilo: silo => silo
                .AddOutgoingGrainCallFilter(async context =>
                {
                    if (context.MethodName == nameof(IExperimentGrain.OnTrialEvent))
                    {
                        gate.OnEventSent();
                    }
                    await context.Invoke();
                })
                .AddIncomingGrainCallFilter(async context =>
                {
                    try
                    {
                        await context.Invoke();
                    }
                    finally
                    {
                        if (context.MethodName == nameof(IExperimentGrain.OnTrialEvent))
                        {
                            gate.OnEventDone();
                        }
                    }
                }));
        var status = await cluster.RunAsync(json, TimeSpan.FromSeconds(120));
        Assert.Null(gate.Error);
        Assert.True(status.Phase == ExperimentPhase.Completed, status.ToString());
        Assert.Equal(steps.Count - 1, gate.Released); // every simulated epoch, in the simulator's order
        Assert.Equal(sim.Promotions, status.Promotions);
        Assert.Equal(Decisions(Path.Combine(simulated, "results.csv")), Decisions(Path.Combine(cluster.ResultsDir(spec.Name), "results.csv")));
        Directory.Delete(simulated, recursive: true);
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
