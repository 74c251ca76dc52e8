namespace OrleansHpo.Tests.Cluster;

/// <summary>Spec JSON for cluster tests: the counting synthetic trainable, small and fast.</summary>
internal static class Specs
{
    public static string Synthetic(string name, string scheduler, int workers = 4, int trials = 40, int maxT = 27, int seed = 7, int tag = 0, string extraConfig = "", string stop = "") => $$"""
    {
      "name": "{{name}}",
      "trainable": "counting",
      "config_space": {
        "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
        "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
        "momentum": { "type": "uniform", "lower": 0.0, "upper": 0.99 },
        "epochs": {{maxT}},
        "tag": {{tag}}{{extraConfig}}
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

    public const string AshaPromotion = """{ "type": "asha", "variant": "promotion", "grace_period": 1, "reduction_factor": 3 }""";
    public const string AshaStopping = """{ "type": "asha", "variant": "stopping", "grace_period": 1, "reduction_factor": 3 }""";
    public const string HyperbandPromotion = """{ "type": "hyperband", "variant": "promotion", "grace_period": 1, "reduction_factor": 3, "brackets": 3 }""";
    public const string SyncHyperband = """{ "type": "sync-hyperband", "grace_period": 1, "reduction_factor": 3, "brackets": 3 }""";
    public const string SyncSh = """{ "type": "sync-sh", "grace_period": 1, "reduction_factor": 3 }""";
    public const string Fifo = """{ "type": "fifo" }""";
}
