namespace OrleansHpo.Trainables.Tests;

/// <summary>The property everything else relies on: pausing and resuming changes nothing, bit for bit.</summary>
public sealed class ExactResumeTests
{
    public static TheoryData<string> Trainables => new() { "fashion-mlp", "fashion-lenet" };

    private static Dictionary<string, object> Config(string name) =>
        name == "fashion-mlp" ? Harness.SmallMlp() : Harness.SmallLeNet();

    [Theory]
    [MemberData(nameof(Trainables))]
    public void Resume_after_epoch_one_reproduces_uninterrupted_training(string name)
    {
        var config = Config(name);
        var (straight, finalStraight) = Harness.Run(name, config, 1, 3, checkpointAfter: 3);
        var (first, checkpoint) = Harness.Run(name, config, 1, 1, checkpointAfter: 1);
        var (resumed, finalResumed) = Harness.Run(name, config, 2, 3, checkpoint, checkpointAfter: 3);

        Harness.AssertBitwiseEqual(straight[0], first[0], $"{name} epoch 1");
        Harness.AssertBitwiseEqual(straight[1], resumed[0], $"{name} epoch 2 after resume");
        Harness.AssertBitwiseEqual(straight[2], resumed[1], $"{name} epoch 3 after resume");
        // The whole state (weights, optimizer moments and step counts) ends identical too.
        Assert.Equal(finalStraight, finalResumed);
    }

    [Fact]
    public void Resume_after_epoch_two_of_mlp_matches_too()
    {
        var config = Harness.SmallMlp(subset: 1000);
        var (straight, _) = Harness.Run("fashion-mlp", config, 1, 3);
        var (_, checkpoint) = Harness.Run("fashion-mlp", config, 1, 2, checkpointAfter: 2);
        var (resumed, _) = Harness.Run("fashion-mlp", config, 3, 3, checkpoint);
        Harness.AssertBitwiseEqual(straight[2], resumed[0], "epoch 3 after resume at 2");
    }

    [Fact]
    public void Seed_decides_the_run()
    {
        var config = Harness.SmallMlp(subset: 1000);
        var (a, _) = Harness.Run("fashion-mlp", config, 1, 1, seed: 1);
        var (b, _) = Harness.Run("fashion-mlp", config, 1, 1, seed: 1);
        var (c, _) = Harness.Run("fashion-mlp", config, 1, 1, seed: 2);
        Harness.AssertBitwiseEqual(a[0], b[0], "same seed");
        Assert.NotEqual(a[0]["train_loss"], c[0]["train_loss"]);
    }
}
