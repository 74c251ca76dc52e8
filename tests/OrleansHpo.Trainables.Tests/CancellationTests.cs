using System.Diagnostics;
using OrleansHpo.Trainables.Torch;

namespace OrleansHpo.Trainables.Tests;

public sealed class CancellationTests
{
    [Theory]
    [InlineData("fashion-mlp")]
    [InlineData("fashion-lenet")]
    public void Cancellation_from_another_thread_is_honoured_within_one_batch(string name)
    {
        var config = new Dictionary<string, object> { ["batch_size"] = 32L, ["train_subset"] = 20_000L };
        using var trainable = (FashionMnistTrainable)Harness.Create(name);
        trainable.Setup(Harness.Context(config, 1, 1));

        using var cts = new CancellationTokenSource();
        using var firstBatch = new ManualResetEventSlim();
        int batchesAtCancel = -1;
        int lastBatch = 0;
        trainable.BatchCompleted = batch =>
        {
            Volatile.Write(ref lastBatch, batch);
            firstBatch.Set();
        };
        var watch = new Stopwatch();
        var canceller = new Thread(() =>
        {
            firstBatch.Wait();
            batchesAtCancel = Volatile.Read(ref lastBatch);
            watch.Start();
            cts.Cancel();
        });
        canceller.Start();

        Assert.ThrowsAny<OperationCanceledException>(() => trainable.TrainEpoch(1, cts.Token));
        watch.Stop();
        canceller.Join();

        Assert.True(batchesAtCancel >= 1);
        // The batch running when Cancel was called may finish; no further batch may start.
        Assert.InRange(lastBatch, batchesAtCancel, batchesAtCancel + 1);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed} to stop");
        Assert.True(lastBatch < 20_000 / 32, "the epoch ran to its end");
    }

    [Fact]
    public void Already_cancelled_token_stops_before_training()
    {
        using var trainable = (FashionMnistTrainable)Harness.Create("fashion-mlp");
        trainable.Setup(Harness.Context(Harness.SmallMlp(subset: 500), 1, 1));
        int batches = 0;
        trainable.BatchCompleted = _ => batches++;
        Assert.ThrowsAny<OperationCanceledException>(() => trainable.TrainEpoch(1, new CancellationToken(canceled: true)));
        Assert.Equal(0, batches);
    }
}
