using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>Checkpoint files exist only for trials that can still be resumed, plus the best ended trial's final one.</summary>
public sealed class CheckpointLifecycleTests
{
    [Fact]
    public async Task Only_paused_trials_and_the_best_ended_trial_keep_checkpoint_files()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var status = await cluster.RunAsync(Specs.Synthetic("ckpt-life", Specs.AshaPromotion, workers: 3, trials: 30, maxT: 9, tag: 302));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Completed > 1, status.ToString());
        var trials = await cluster.TrialsAsync("ckpt-life", status.Started);

        var paused = trials.Where(t => t.Status == TrialStatus.Paused).Select(t => t.TrialId).ToHashSet();
        var ended = trials.Where(t => t.Status is TrialStatus.Completed or TrialStatus.Stopped).ToList();
        // keep_best = 1 (the default): the ended trial with the best loss at its final epoch keeps its checkpoint.
        var best = ended.MinBy(t => t.Reports[^1].Metrics["loss"])!;
        var expected = paused.Append(best.TrialId).Order().ToList();

        var root = Path.Combine(cluster.ResultsDir("ckpt-life"), "checkpoints");
        List<int> Holding() => Directory.EnumerateFiles(root, "*.ckpt", SearchOption.AllDirectories)
            .Select(f => int.Parse(Path.GetFileName(Path.GetDirectoryName(f))!["trial-".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Distinct().Order().ToList();
        // Dropping a checkpoint is a one-way message: poll until the files settle.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Holding().SequenceEqual(expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(expected, Holding());
        var bestFiles = Directory.GetFiles(Path.Combine(root, $"trial-{best.TrialId}"), "*.ckpt");
        Assert.StartsWith($"epoch-{best.LastEpoch}.", Path.GetFileName(Assert.Single(bestFiles)), StringComparison.Ordinal);
    }
}
