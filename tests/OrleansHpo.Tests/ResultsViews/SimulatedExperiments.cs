using OrleansHpo.Core.Spec;
using OrleansHpo.Core.Training;
using OrleansHpo.Simulator;
using OrleansHpo.Tests.Cli;

namespace OrleansHpo.Tests.ResultsViews;

/// <summary>Small experiments written by the simulator (fast, deterministic) for the results, plot and verb tests.</summary>
internal static class SimulatedExperiments
{
    public static string SpecJson(string name, string scheduler, int workers = 4, int trials = 40, int seed = 7, int maxT = 9, string stop = "") => $$"""
    {
      "name": "{{name}}",
      "trainable": "synthetic",
      "config_space": {
        "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
        "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
        "momentum": { "type": "uniform", "lower": 0.0, "upper": 0.99 },
        "epochs": {{maxT}},
        "delay_ms": 100
      },
      "metric": "loss",
      "mode": "min",
      "max_resource_attr": "epochs",
      "scheduler": {{scheduler}},
      "searcher": { "type": "random", "seed": {{seed}} },
      "n_workers": {{workers}},
      "stop": { "max_trials_started": {{trials}}{{stop}} }
    }
    """;

    public static ExperimentSpec Spec(string json)
    {
        var parsed = SpecParser.Parse(json);
        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        return parsed.Spec!;
    }

    /// <summary>Simulates <paramref name="json"/> into ROOT/NAME and returns ROOT.</summary>
    public static string Write(string json, string? root = null)
    {
        root ??= HpoProcess.TempDir();
        var spec = Spec(json);
        new Simulation(spec, new SyntheticTrainableFactory(), Simulation.DelayMsTimer(1.0)).Run(Path.Combine(root, spec.Name));
        return root;
    }
}
