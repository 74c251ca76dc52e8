using System.Globalization;

namespace OrleansHpo.Testing;

/// <summary>
/// The experiment spec the process-level tests and the benchmarks run (one copy): the synthetic trainable
/// (learning_rate, width; optionally momentum and activation), promotion ASHA with grace 1 and eta 3. Each caller sets
/// what its timing needs; <see cref="Write"/> puts it in DIR/NAME.json.
/// </summary>
public sealed record SyntheticSpec(string Name)
{
    public int Epochs { get; init; } = 9;
    /// <summary>Added to the config space as <c>delay_ms</c> (the synthetic trainable's time per epoch) when set.</summary>
    public int? DelayMs { get; init; }
    public int Workers { get; init; } = 4;
    public string Searcher { get; init; } = "random";
    public int Seed { get; init; } = 1;
    /// <summary>Also a <c>momentum</c> (uniform 0..0.99) and an <c>activation</c> (choice) hyperparameter.</summary>
    public bool MoreHyperparameters { get; init; }
    /// <summary>Only an <c>activation</c> choice besides learning_rate and width (the dashboard's categorical axis).</summary>
    public bool Activation { get; init; }
    public string Variant { get; init; } = "promotion";
    public bool CheckpointEveryEpoch { get; init; }
    /// <summary>The members of <c>"stop"</c>, e.g. <c>"max_trials_started": 16</c>.</summary>
    public string Stop { get; init; } = "\"max_trials_started\": 16";
    /// <summary>More top-level members, each ending in a comma, e.g. <c>"max_failures": 2,</c>.</summary>
    public string Extra { get; init; } = "";

    public string Json()
    {
        var space = new List<string>
        {
            "\"learning_rate\": { \"type\": \"loguniform\", \"lower\": 0.0001, \"upper\": 1.0 }",
            "\"width\": { \"type\": \"randint\", \"lower\": 8, \"upper\": 512, \"log\": true }",
        };
        if (MoreHyperparameters)
        {
            space.Add("\"momentum\": { \"type\": \"uniform\", \"lower\": 0.0, \"upper\": 0.99 }");
        }
        if (MoreHyperparameters || Activation)
        {
            space.Add("\"activation\": { \"type\": \"choice\", \"values\": [\"relu\", \"tanh\", \"gelu\"] }");
        }
        space.Add("\"epochs\": " + Epochs.ToString(CultureInfo.InvariantCulture));
        if (DelayMs is { } delay)
        {
            space.Add("\"delay_ms\": " + delay.ToString(CultureInfo.InvariantCulture));
        }
        var checkpoints = CheckpointEveryEpoch ? "\"checkpoints\": { \"every_epoch\": true }," : "";
        return $$"""
        {
          "name": "{{Name}}",
          "trainable": "synthetic",
          "config_space": {
            {{string.Join(",\n    ", space)}}
          },
          "metric": "loss",
          "mode": "min",
          "max_resource_attr": "epochs",
          "scheduler": { "type": "asha", "variant": "{{Variant}}", "grace_period": 1, "reduction_factor": 3 },
          "searcher": { "type": "{{Searcher}}", "seed": {{Seed}} },{{checkpoints}}{{Extra}}
          "n_workers": {{Workers}},
          "stop": { {{Stop}} }
        }
        """;
    }

    /// <summary>Writes the spec to DIR/NAME.json and returns that path.</summary>
    public string Write(string dir)
    {
        var path = Path.Combine(dir, Name + ".json");
        File.WriteAllText(path, Json());
        return path;
    }
}
