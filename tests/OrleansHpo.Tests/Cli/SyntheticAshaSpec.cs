namespace OrleansHpo.Tests.Cli;

/// <summary>
/// The spec file the process-level tests run: the synthetic trainable (learning_rate, width; 9 epochs), promotion
/// ASHA with grace 1 and eta 3, 4 workers, stopped after <c>trials</c> started. Callers vary the epoch delay, the
/// searcher seed and extra top-level properties (e.g. <c>"checkpoints": { "every_epoch": true }</c>).
/// </summary>
internal static class SyntheticAshaSpec
{
    public static string Write(string dir, string name, int trials, int delayMs, int seed, string extra = "")
    {
        var path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, $$"""
        {
          "name": "{{name}}",
          "trainable": "synthetic",
          "config_space": {
            "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
            "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
            "epochs": 9,
            "delay_ms": {{delayMs}}
          },
          "metric": "loss",
          "mode": "min",
          "max_resource_attr": "epochs",
          "scheduler": { "type": "asha", "variant": "promotion", "grace_period": 1, "reduction_factor": 3 },
          "searcher": { "type": "random", "seed": {{seed}} },{{extra}}
          "n_workers": 4,
          "stop": { "max_trials_started": {{trials}} }
        }
        """);
        return path;
    }
}
