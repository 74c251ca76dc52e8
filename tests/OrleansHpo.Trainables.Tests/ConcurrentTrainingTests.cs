using OrleansHpo.Trainables.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansHpo.Trainables.Tests;

/// <summary>
/// Trials train concurrently in one silo process, each on its own worker thread. Regression for the libtorch
/// <c>toDouble at c10/core/Scalar.h:140</c> failure (docs/benchmarks.md, "Known problem"): TorchSharp's Adam step
/// handed implicit <c>Scalar</c> temporaries to libtorch, and a collection started by another trial's thread finalized
/// them mid-call. A thread forcing collections and finalizers makes that race fire within a few steps (the old code
/// failed 16-26 of 40 trainings in bench/OrleansHpo.Bench.TorchConcurrency), so the test needs no luck to catch it.
/// Runs alone: the collector thread would slow the other test classes down.
/// </summary>
[Collection(nameof(ConcurrentTrainingTests))]
[CollectionDefinition(nameof(ConcurrentTrainingTests), DisableParallelization = true)]
public sealed class ConcurrentTrainingTests
{
    private const int Trainings = 4;
    private const int Epochs = 2;

    [Fact]
    public void Mlp_trainings_on_concurrent_threads_under_gc_pressure_succeed_and_match_solo_runs()
    {
        var config = Harness.SmallMlp(subset: 1000);
        config["n_units_1"] = 128L;
        config["n_units_2"] = 64L;
        config["batch_size"] = 32L;

        var concurrent = new List<IReadOnlyDictionary<string, double>>?[Trainings];
        var errors = new Exception?[Trainings];
        using (var pressure = new GcPressure())
        {
            var threads = Enumerable.Range(0, Trainings).Select(slot => new Thread(() =>
            {
                try
                {
                    concurrent[slot] = Harness.Run("fashion-mlp", config, 1, Epochs, seed: 11 + slot).Metrics;
                }
                catch (Exception e)
                {
                    errors[slot] = e;
                }
            }) { Name = $"trial-{slot}" }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.True(pressure.Collections > 0, "the collector thread never ran");
        }

        Assert.All(errors, e => Assert.True(e is null, $"a concurrent training failed: {e}"));
        // Each trial's results are its own: bit-identical to training the same seed alone.
        for (int slot = 0; slot < Trainings; slot++)
        {
            var solo = Harness.Run("fashion-mlp", config, 1, Epochs, seed: 11 + slot).Metrics;
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                Harness.AssertBitwiseEqual(solo[epoch], concurrent[slot]![epoch], $"seed {11 + slot} epoch {epoch + 1}");
            }
        }
    }

    [Fact]
    public void Kept_alive_adam_updates_exactly_as_torchsharp_adam() =>
        AssertSameUpdates(
            parameters => optim.Adam(parameters, lr: 2e-3, weight_decay: 1e-4),
            parameters => new KeptAliveAdam(parameters, 2e-3, 1e-4));

    [Fact]
    public void Kept_alive_sgd_updates_exactly_as_torchsharp_sgd() =>
        AssertSameUpdates(
            parameters => optim.SGD(parameters, 0.3),
            parameters => new KeptAliveSgd(parameters, 0.3));

    private static void AssertSameUpdates(
        Func<IEnumerable<Parameter>, OptimizerHelper> torchSharp, Func<IEnumerable<Parameter>, OptimizerHelper> keptAlive)
    {
        TorchRuntime.EnsureNativeLoadable();
        using var scope = NewDisposeScope();
        using var inputs = MakeGenerator(1);
        var x = rand([32, FashionMnist.PixelsPerImage], generator: inputs);
        var y = randint(0, 10, [32], generator: inputs);

        using var reference = Model();
        using var kept = Model();
        using var referenceOptimizer = torchSharp(reference.parameters());
        using var keptOptimizer = keptAlive(kept.parameters());
        for (int step = 0; step < 5; step++)
        {
            Step(reference, referenceOptimizer, x, y);
            Step(kept, keptOptimizer, x, y);
        }

        var expected = reference.parameters().ToList();
        var actual = kept.parameters().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].data<float>().ToArray().SequenceEqual(actual[i].data<float>().ToArray()), $"parameter {i} differs after 5 steps");
        }
    }

    private static MlpNet Model()
    {
        using var generator = MakeGenerator(5);
        var model = new MlpNet(32, 16, 0.0, 0.0, generator);
        model.train();
        return model;
    }

    private static Generator MakeGenerator(ulong seed) => new(seed, CPU);

    private static void Step(MlpNet model, OptimizerHelper optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.forward(x), y).backward();
        optimizer.step();
    }

    /// <summary>Forces full collections and runs finalizers in a loop until disposed.</summary>
    private sealed class GcPressure : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private int _collections;

        public GcPressure()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Interlocked.Increment(ref _collections);
                }
            }) { IsBackground = true, Name = "gc-pressure" };
            _thread.Start();
        }

        public int Collections => Volatile.Read(ref _collections);

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
