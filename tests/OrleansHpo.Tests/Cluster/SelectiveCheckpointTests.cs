using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>Checkpoints are written only where a trial can pause (its rung levels, its final epoch for keep_best),
/// or after every epoch when the spec says <c>checkpoints.every_epoch</c>.</summary>
public sealed class SelectiveCheckpointTests
{
    [Theory]
    [InlineData(false, 303)]
    [InlineData(true, 304)]
    public async Task Checkpoints_only_at_rung_levels_unless_every_epoch(bool everyEpoch, int tag)
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        string name = everyEpoch ? "ckpt-every" : "ckpt-rungs";
        var spec = Specs.Synthetic(name, Specs.AshaPromotion, workers: 3, trials: 12, maxT: 9, tag: tag)
            .Replace("\"n_workers\"", $"\"checkpoints\": {{ \"every_epoch\": {(everyEpoch ? "true" : "false")} }}, \"n_workers\"", StringComparison.Ordinal);
        var status = await cluster.RunAsync(spec);
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        var trained = CountingTrainableFactory.Trained.Keys.Where(k => k.Seed == tag).ToList();
        var saved = CountingTrainableFactory.Saved.Where(kv => kv.Key.Seed == tag).ToList();
        Assert.All(saved, kv => Assert.Equal(1, kv.Value)); // never the same epoch twice
        var epochs = saved.Select(kv => kv.Key.Epoch).ToHashSet();
        if (everyEpoch)
        {
            Assert.Equal(trained.Count, saved.Count);
        }
        else
        {
            // Rung levels 1 and 3, and max_t 9 (the final checkpoint kept for the best trial).
            Assert.Subset(new HashSet<int> { 1, 3, 9 }, epochs);
            Assert.True(saved.Count < trained.Count, $"{saved.Count} checkpoints for {trained.Count} epochs");
        }
    }
}
