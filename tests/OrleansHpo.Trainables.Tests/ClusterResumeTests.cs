using OrleansHpo.Client.Check;

namespace OrleansHpo.Trainables.Tests;

/// <summary>
/// fashion-mlp on real trial grains in a 3-silo in-process cluster (file grain storage, local checkpoint store):
/// a trial paused after epoch 1 and resumed on ANOTHER silo reports bit-identical metrics to the uninterrupted
/// run; a missing and a corrupt checkpoint each fall back to training from scratch, counted once, nothing
/// recorded twice. Small data subset so it stays fast.
/// </summary>
public sealed class ClusterResumeTests
{
    [Fact]
    public async Task Fashion_mlp_resumed_on_another_silo_matches_uninterrupted_training_bit_for_bit()
    {
        var results = await TrainableChecker.RunAsync("fashion-mlp", Harness.SmallMlp(subset: 1000), new CheckOptions
        {
            Epochs = 3,
            PauseAt = 1,
            Device = "cpu",
            IntraOpThreads = Harness.Threads,
            RunTimeout = TimeSpan.FromMinutes(3),
        });
        var text = string.Join("\n", results);
        Assert.Equal(5, results.Count);
        Assert.True(results.Where(r => !r.Property.StartsWith("stop", StringComparison.Ordinal)).All(r => r.Passed), text);
        Assert.Contains("identical bit for bit", results.Single(r => r.Property.Contains("another silo", StringComparison.Ordinal)).Detail);
        Assert.All(results.Where(r => r.Property.Contains("checkpoint falls back", StringComparison.Ordinal)),
            r => Assert.Contains("metrics identical", r.Detail));
    }
}
