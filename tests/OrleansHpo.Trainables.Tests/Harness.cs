using OrleansHpo.Core.Training;
using OrleansHpo.Trainables.Torch;

namespace OrleansHpo.Trainables.Tests;

/// <summary>Builds contexts and drives trainables the way the runner does.</summary>
internal static class Harness
{
    /// <summary>One intra-op thread everywhere: tests run in parallel and must not race on torch's global thread count.</summary>
    public const int Threads = 1;

    public static Dictionary<string, object> SmallMlp(long subset = 2000) => new()
    {
        ["n_units_1"] = 64L,
        ["n_units_2"] = 32L,
        ["batch_size"] = 64L,
        ["dropout_1"] = 0.3,
        ["dropout_2"] = 0.2,
        ["learning_rate"] = 2e-3,
        ["weight_decay"] = 1e-4,
        ["train_subset"] = subset,
    };

    public static Dictionary<string, object> SmallLeNet(long subset = 1000) => new()
    {
        ["learning_rate"] = 0.5,
        ["batch_size"] = 64L,
        ["train_subset"] = subset,
    };

    public static TrialContext Context(IReadOnlyDictionary<string, object> config, int startEpoch, int stopEpoch, int seed = 7) =>
        new(TrialId: 0, config, startEpoch, stopEpoch, RungLevels: [1, 2, 3], Device: "cpu", seed, Threads);

    public static ITrainable Create(string name) =>
        TorchTrainables.Factories.Single(f => f.Name == name).Create();

    /// <summary>Train epochs start..stop on a fresh instance (loading <paramref name="checkpoint"/> if given);
    /// returns the metrics and the checkpoint written after <paramref name="checkpointAfter"/> (if any).</summary>
    public static (List<IReadOnlyDictionary<string, double>> Metrics, byte[]? Checkpoint) Run(
        string name, IReadOnlyDictionary<string, object> config, int start, int stop,
        byte[]? checkpoint = null, int checkpointAfter = -1, int seed = 7)
    {
        using var trainable = Create(name);
        trainable.Setup(Context(config, start, stop, seed));
        if (checkpoint is not null)
        {
            using var source = new MemoryStream(checkpoint, writable: false);
            trainable.LoadCheckpoint(source);
        }
        var metrics = new List<IReadOnlyDictionary<string, double>>();
        byte[]? saved = null;
        for (int epoch = start; epoch <= stop; epoch++)
        {
            metrics.Add(trainable.TrainEpoch(epoch, CancellationToken.None));
            if (epoch == checkpointAfter)
            {
                saved = Save(trainable);
            }
        }
        return (metrics, saved);
    }

    public static byte[] Save(ITrainable trainable)
    {
        using var destination = new MemoryStream();
        trainable.SaveCheckpoint(destination);
        return destination.ToArray();
    }

    /// <summary>Bit-for-bit equality of two metric dictionaries (NaN-safe, -0 ≠ +0).</summary>
    public static void AssertBitwiseEqual(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, value) in expected)
        {
            long e = BitConverter.DoubleToInt64Bits(value);
            long a = BitConverter.DoubleToInt64Bits(actual[key]);
            Assert.True(e == a, $"{what}: metric '{key}' differs: {value:R} vs {actual[key]:R}");
        }
    }
}
