using System.Text.Json.Nodes;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>
/// The checkpoint budget on a 3-silo cluster with real checkpoint files: the number of paused trials holding files
/// never exceeds max_num_checkpoints, and every trial promoted after its checkpoint was removed retrains, is counted
/// in cost_resources, and records no report twice.
/// </summary>
public sealed class CheckpointBudgetOnClusterTests
{
    private const int MaxCheckpoints = 5;
    private const int Workers = 4;

    [Theory]
    [InlineData("speculative", 501)]
    [InlineData("by_level", 502)]
    public async Task Paused_checkpoints_stay_within_the_budget_and_retraining_is_accounted(string removal, int tag)
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var name = "ckpt-" + removal.Replace('_', '-');
        var spec = JsonNode.Parse(Specs.Synthetic(name, Specs.AshaPromotion, workers: Workers, trials: 60, tag: tag,
            extraConfig: ", \"checkpoint_kb\": 16"))!.AsObject();
        spec["checkpoints"] = new JsonObject { ["max_num_checkpoints"] = MaxCheckpoints, ["removal"] = removal };
        var root = Path.Combine(cluster.ResultsDir(name), "checkpoints");

        // Independent watcher on the checkpoint folder, sampling as fast as it can for the whole run. A trial holds
        // files only while running or paused with a checkpoint, so the budget bounds the folders with files by
        // max_num_checkpoints + n_workers at every moment (new trials of the current turn included).
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(() => Watch(root, done.Token));
        ExperimentStatus status;
        try
        {
            status = await cluster.RunAsync(spec.ToJsonString());
        }
        finally
        {
            done.Cancel();
        }
        var (samples, most) = await watcher;
        Assert.True(samples > 20, $"only {samples} samples of the checkpoint folder");
        Assert.True(most <= MaxCheckpoints + Workers, $"{most} trials held checkpoint files at once");

        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(cluster.ResultsDir(name), "metadata.json")))!;
        int removed = (int)metadata["num_checkpoints_removed"]!;
        long cost = (long)metadata["cost_resources"]!;
        int pausedHighWater = (int)metadata["checkpoint_high_water_paused_trials"]!;
        Assert.True(removed > 0, "the budget removed nothing");
        // Checked by the experiment after every event it handled: paused trials with files on disk.
        Assert.InRange(pausedHighWater, 1, MaxCheckpoints);
        Assert.True((long)metadata["checkpoint_disk_samples"]! >= 1); // measured off the turn, at most once a second, and at the end
        Assert.True((long)metadata["checkpoint_high_water_bytes"]! >= 16 * 1024);

        var trials = await cluster.TrialsAsync(name, status.Started);
        var recorded = cluster.RecordedReports(name);
        // Every epoch trained more than once was retrained because a checkpoint had been removed, and is counted.
        var trained = CountingTrainableFactory.Trained.Where(kv => kv.Key.Seed == tag).ToList();
        long retrainedEpochs = trained.Sum(kv => kv.Value - 1L);
        Assert.Equal(cost, retrainedEpochs);
        Assert.Equal(cost, status.RetrainedEpochs);
        Assert.Equal(cost, trials.Sum(t => (long)t.RetrainedEpochs));
        Assert.Equal((int)metadata["num_trials_resumed_without_checkpoint"]! > 0, cost > 0);
        var kept = new List<(int Trial, double Loss)>();
        foreach (var trial in trials)
        {
            // Reports 1..LastEpoch, each exactly once, even after a retrain from scratch.
            Assert.Equal(Enumerable.Range(1, trial.LastEpoch), recorded[trial.TrialId].Select(r => r.Epoch));
            var folder = Path.Combine(root, $"trial-{trial.TrialId}");
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ckpt") : [];
            if (trial.Status == TrialStatus.Paused && trial.Checkpoint is { } checkpoint)
            {
                Assert.True(File.Exists(checkpoint.Uri), $"trial {trial.TrialId}: its checkpoint reference points to a missing file");
                Assert.Single(files);
            }
            else if (trial.Status == TrialStatus.Completed && trial.Checkpoint is { } final && files.Length > 0)
            {
                kept.Add((trial.TrialId, trial.Reports[^1].Metrics["loss"]));
                Assert.Equal([final.Uri], files);
            }
            else
            {
                Assert.Empty(files); // removed (paused) or deleted when the trial finished
            }
        }
        // keep_best (default 1): only the best completed trial keeps its final checkpoint.
        var completed = trials.Where(t => t.Status == TrialStatus.Completed).ToList();
        if (completed.Count > 0)
        {
            var best = completed.OrderBy(t => t.Reports[^1].Metrics["loss"]).First();
            Assert.Equal([best.TrialId], kept.Select(k => k.Trial));
        }
        Assert.InRange(trials.Count(t => t.Status == TrialStatus.Paused && t.Checkpoint is not null), 0, MaxCheckpoints);
    }

    private static (int Samples, int Most) Watch(string root, CancellationToken token)
    {
        int samples = 0, most = 0;
        while (!token.IsCancellationRequested)
        {
            int holding = 0;
            if (Directory.Exists(root))
            {
                foreach (var folder in SafeFolders(root))
                {
                    if (SafeAny(folder))
                    {
                        holding++;
                    }
                }
            }
            samples++;
            most = Math.Max(most, holding);
            Thread.Sleep(1); // sampling cadence on a shared 2-core machine, not a synchronization
        }
        return (samples, most);
    }

    private static string[] SafeFolders(string root)
    {
        try
        {
            return Directory.GetDirectories(root, "trial-*");
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static bool SafeAny(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*.ckpt").Any();
        }
        catch (IOException)
        {
            return false;
        }
    }
}
