namespace OrleansHpo.Tests.Spec;

/// <summary>Spec texts shared by the parser and fuzz tests.</summary>
internal static class SpecSamples
{
    /// <summary>A valid spec that sets every field to a non-default value.</summary>
    public const string Full = """
    {
      "name": "full-spec_1.0",
      "trainable": "synthetic",
      "config_space": {
        "lr": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
        "m": { "type": "uniform", "lower": 0.0, "upper": 0.99 },
        "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
        "depth": { "type": "randint", "lower": 1, "upper": 4 },
        "act": { "type": "choice", "values": ["relu", "tanh", 3, 2.5, true] },
        "epochs": 27,
        "scale": 0.5,
        "tag": "exp",
        "flag": false
      },
      "metric": "loss",
      "mode": "max",
      "resource_attr": "step",
      "max_resource_attr": "epochs",
      "scheduler": { "type": "hyperband", "variant": "promotion", "grace_period": 2, "reduction_factor": 2.5, "max_t": 30, "brackets": 3, "rung_levels": [2, 5, 12] },
      "searcher": { "type": "grid", "seed": 7, "grid_points": 3 },
      "points_to_evaluate": [ { "lr": 0.01, "act": "tanh" }, { "width": 16.0, "m": 0 } ],
      "n_workers": 8,
      "stop": { "max_wallclock_seconds": 12.5, "max_trials_started": 100, "max_trials_completed": 50, "metric_threshold": 0.05 },
      "max_failures": 3,
      "checkpoints": { "every_epoch": true, "max_num_checkpoints": 10, "removal": "by_level", "approx_steps": 20, "prior_beta_mean": 0.4, "prior_beta_size": 3, "min_data_at_rung": 6, "delete_finished": false, "keep_best": 2 }
    }
    """;

    /// <summary>The smallest valid spec: max_t comes from max_resource_attr.</summary>
    public const string Minimal = """
    {
      "name": "mini",
      "trainable": "synthetic",
      "config_space": { "lr": { "type": "uniform", "lower": 0, "upper": 1 }, "epochs": 9 },
      "metric": "loss",
      "max_resource_attr": "epochs",
      "stop": { "max_trials_started": 10 }
    }
    """;
}
