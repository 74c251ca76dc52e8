using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansHpo.Client;
using OrleansHpo.Client.Check;
using OrleansHpo.Tests.Cli;
using OrleansHpo.TestTrainables;

namespace OrleansHpo.Tests.Failures;

/// <summary>
/// Runaway user code (docs/architecture.md, "Failures"): an epoch that ignores its cancellation token is abandoned
/// after the grace period: its slot is freed, its trial failed and counted, and the wall-clock limit still ends the
/// run; <c>hpo check</c> reports such a hang as a failed property instead of hanging.
/// </summary>
public sealed class RunawayTrainableTests
{
    private static string TestDll => typeof(HangingTrainableFactory).Assembly.Location;

    [Fact]
    public async Task A_trial_that_ignores_cancellation_is_abandoned_and_the_wall_clock_ends_the_run()
    {
        var dir = HpoProcess.TempDir();
        var spec = Path.Combine(dir, "runaway.json");
        await File.WriteAllTextAsync(spec, """
        {
          "name": "runaway",
          "trainable": "test-hang",
          "config_space": { "learning_rate": { "type": "loguniform", "lower": 0.001, "upper": 0.1 }, "epochs": 9, "hang_at_epoch": 2 },
          "metric": "loss", "mode": "min", "max_resource_attr": "epochs",
          "scheduler": { "type": "asha", "variant": "promotion", "grace_period": 1, "reduction_factor": 3 },
          "searcher": { "type": "random", "seed": 1 },
          "n_workers": 2,
          "stop": { "max_wallclock_seconds": 4, "max_trials_started": 10 }
        }
        """);
        var settings = new ClientSettings { Trainables = [TestDll], Device = "cpu", CancelGraceSeconds = 2 };
        var session = new ExperimentSession(new StringWriter(), new StringWriter(), quiet: true, verbose: false, settings);
        var clock = Stopwatch.StartNew();
        await session.RunAsync(spec, [], dir, overwrite: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        // 4 s of budget + 2 s of grace + the loaded machine's slack; without abandonment this never returns.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "runaway", "metadata.json")))!;
        Assert.Equal("max_wallclock_seconds", metadata["stop_reason"]!.GetValue<string>());
        Assert.Equal(0, metadata["num_trials_running"]!.GetValue<int>());
        // Both slots hung at epoch 2: both runs abandoned, their trials failed, their threads counted.
        Assert.Equal(2, metadata["num_abandoned_runs"]!.GetValue<int>());
        Assert.Equal(2, metadata["num_trials_failed"]!.GetValue<int>());
        Assert.True(metadata["num_abandoned_threads"]!.GetValue<int>() >= 2, metadata.ToJsonString());
    }

    [Fact]
    public async Task Check_reports_a_hanging_trainable_as_a_failed_property()
    {
        var clock = Stopwatch.StartNew();
        var results = await TrainableChecker.RunAsync(HangingTrainableFactory.TrainableName, new Dictionary<string, object> { ["hang_at_epoch"] = 2L }, new CheckOptions
        {
            AdditionalTrainables = [new HangingTrainableFactory()],
            Device = "cpu",
            RunTimeout = TimeSpan.FromSeconds(5),
        }).WaitAsync(TimeSpan.FromSeconds(120));
        var first = Assert.Single(results);
        Assert.False(first.Passed);
        Assert.StartsWith("hang:", first.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(100), $"took {clock.Elapsed}");
    }
}
