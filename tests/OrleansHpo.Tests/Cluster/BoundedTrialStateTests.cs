using System.Diagnostics.Metrics;
using OrleansHpo.Grains.Execution;
using OrleansHpo.Grains.Interfaces;
using OrleansHpo.Grains.Interfaces.Contracts;
using OrleansHpo.Grains.Storage;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// A trial's persisted state does not grow with its epochs: it keeps its last report and the reports its experiment
/// has not yet confirmed as recorded; results.csv keeps them all (docs/architecture.md, "Bounded grain state").
/// </summary>
public sealed class BoundedTrialStateTests
{
    [Fact]
    public async Task A_long_trial_keeps_a_bounded_state_while_results_csv_keeps_every_report()
    {
        const string name = "bounded-state";
        const int epochs = 80;
        var writes = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HpoMetrics.MeterName && instrument.Name == "hpo.state.write_bytes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var grain = "";
            var state = "";
            foreach (var tag in tags)
            {
                grain = tag.Key == "grain" ? (string?)tag.Value ?? "" : grain;
                state = tag.Key == "state" ? (string?)tag.Value ?? "" : state;
            }
            if (state == "trial" && grain.Contains(name, StringComparison.Ordinal))
            {
                lock (writes)
                {
                    writes.Add(value);
                }
            }
        });
        listener.Start();
        await using var cluster = await HpoTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        // A checkpoint every epoch: the trial writes its state once per epoch.
        var status = await cluster.RunAsync($$"""
        {
          "name": "{{name}}", "trainable": "synthetic",
          "config_space": { "learning_rate": 0.01, "width": 64, "epochs": {{epochs}}, "delay_ms": 10 },
          "metric": "loss", "mode": "min", "max_resource_attr": "epochs",
          "scheduler": { "type": "fifo" }, "searcher": { "type": "random", "seed": 1 },
          "checkpoints": { "every_epoch": true },
          "n_workers": 1, "stop": { "max_trials_started": 1 }
        }
        """);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);

        Assert.Equal(Enumerable.Range(1, epochs), cluster.RecordedReports(name)[0].Select(r => r.Epoch));
        var trial = await cluster.Grains.GetGrain<ITrialGrain>(TrialKeys.Of(name, 0)).GetSnapshot();
        Assert.Equal(epochs, trial.LastEpoch);
        Assert.Equal(epochs, trial.Reports[^1].Epoch); // the last report is always kept
        // Confirmed reports were dropped (asked about every 16): far fewer than the 80 epochs are still held.
        Assert.True(trial.Reports.Length <= epochs / 2, $"the trial's state still holds {trial.Reports.Length} reports");
        long[] sizes;
        lock (writes)
        {
            sizes = [.. writes];
        }
        Assert.True(sizes.Length >= epochs, $"{sizes.Length} trial state writes");
        // Flat, not growing with the epochs (a sawtooth between confirmations): the writes of the last 20 epochs stay
        // within 1.5x the largest of the first 40; a state holding every report would be twice as large by then.
        Assert.True(sizes[^20..].Max() <= 1.5 * sizes[..40].Max(), $"state writes grew: {string.Join(", ", sizes)}");
    }

    [Fact]
    public async Task A_trial_state_file_written_before_state_was_bounded_reads_with_all_its_reports()
    {
        // Written by the previous version (commit 5da1bb4, `hpo run` of a 30-epoch FIFO trial): every report in field 5.
        await using var cluster = await HpoTestCluster.StartAsync(silos: 1, slotsPerSilo: 1);
        var key = TrialKeys.Of("legacy-trial", 0);
        var path = FileGrainStorage.PathFor(Path.Combine(cluster.Root, "state"), "trial", "hpo-trial", key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-trial-state.bin"), path);

        var trial = await cluster.Grains.GetGrain<ITrialGrain>(key).GetSnapshot();

        Assert.Equal(TrialStatus.Completed, trial.Status);
        Assert.Equal(30, trial.LastEpoch);
        // A recovering experiment still gets every report the old state held, and the last one is found.
        Assert.Equal(Enumerable.Range(1, 30), trial.Reports.Select(r => r.Epoch));
        Assert.All(trial.Reports, r => Assert.True(r.Metrics.ContainsKey("loss")));
    }
}
