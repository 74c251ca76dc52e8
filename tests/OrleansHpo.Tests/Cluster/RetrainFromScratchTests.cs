using System.Globalization;
using System.Text.Json.Nodes;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Cluster;

/// <summary>A checkpoint that cannot be loaded: the promoted trial retrains from scratch, which is logged, counted
/// in metadata.json and marked in results.csv, and no report is recorded twice.</summary>
public sealed class RetrainFromScratchTests
{
    [Fact]
    public async Task Every_promotion_with_an_unloadable_checkpoint_retrains_counts_and_marks_once()
    {
        await using var cluster = await HpoTestCluster.StartAsync();
        var status = await cluster.RunAsync(Specs.Synthetic("retrain", Specs.AshaPromotion, workers: 3, trials: 12, maxT: 9, tag: 305,
            extraConfig: ", \"unloadable\": 1"));
        Assert.Equal(ExperimentPhase.Completed, status.Phase);
        Assert.True(status.Promotions > 0);
        Assert.Equal(0, status.Failed);
        Assert.Equal(status.Promotions, status.RetrainedFromScratch);

        var dir = cluster.ResultsDir("retrain");
        var metadata = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "metadata.json")))!;
        Assert.Equal(status.Promotions, metadata["num_retrained_from_scratch"]!.GetValue<int>());
        Assert.True(metadata["retrained_epochs"]!.GetValue<int>() >= status.Promotions);

        var lines = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        int column = Array.IndexOf(lines[0].Split(','), "st_retrained_epochs");
        Assert.True(column >= 0, lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var keys = rows.Select(r => (r[0], r[4])).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count()); // the retrained epochs are not recorded again
        Assert.Equal(status.Promotions, rows.Count(r => int.Parse(r[column], CultureInfo.InvariantCulture) > 0));

        var trials = await cluster.TrialsAsync("retrain", status.Started);
        Assert.Equal(status.Promotions, trials.Sum(t => t.RetrainedFromScratch));
    }
}
