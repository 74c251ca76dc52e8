using OrleansHpo.Core.Training;

namespace OrleansHpo.Trainables.Tests;

public sealed class CheckpointTests
{
    private static readonly Lazy<byte[]> MlpAfterEpoch1 = new(() =>
        Harness.Run("fashion-mlp", Harness.SmallMlp(subset: 500), 1, 1, checkpointAfter: 1).Checkpoint!);

    private static InvalidDataException LoadInto(string name, IReadOnlyDictionary<string, object> config, int startEpoch, byte[] bytes)
    {
        using var trainable = Harness.Create(name);
        trainable.Setup(Harness.Context(config, startEpoch, startEpoch));
        using var source = new MemoryStream(bytes, writable: false);
        return Assert.Throws<InvalidDataException>(() => trainable.LoadCheckpoint(source));
    }

    [Fact]
    public void Checkpoint_of_another_epoch_is_refused()
    {
        var error = LoadInto("fashion-mlp", Harness.SmallMlp(subset: 500), startEpoch: 3, MlpAfterEpoch1.Value);
        Assert.Contains("after epoch 1", error.Message);
        Assert.Contains("starts at epoch 3", error.Message);
    }

    [Fact]
    public void Flipped_byte_is_detected()
    {
        var bytes = (byte[])MlpAfterEpoch1.Value.Clone();
        bytes[bytes.Length / 2] ^= 0x40;
        var error = LoadInto("fashion-mlp", Harness.SmallMlp(subset: 500), 2, bytes);
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void Truncated_checkpoint_is_detected()
    {
        var bytes = MlpAfterEpoch1.Value[..(MlpAfterEpoch1.Value.Length - 100)];
        var error = LoadInto("fashion-mlp", Harness.SmallMlp(subset: 500), 2, bytes);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(64)]
    public void Garbage_is_not_a_checkpoint(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var error = LoadInto("fashion-mlp", Harness.SmallMlp(subset: 500), 2, bytes);
        Assert.StartsWith("Cannot load fashion-mlp checkpoint", error.Message);
    }

    [Fact]
    public void Checkpoint_of_another_trainable_or_shape_is_refused()
    {
        var lenet = LoadInto("fashion-lenet", Harness.SmallLeNet(subset: 500), 2, MlpAfterEpoch1.Value);
        Assert.Contains("'fashion-mlp'", lenet.Message);

        var wider = Harness.SmallMlp(subset: 500);
        wider["n_units_1"] = 65L;
        var shape = LoadInto("fashion-mlp", wider, 2, MlpAfterEpoch1.Value);
        Assert.Contains("784-64-32-10", shape.Message);
    }

    [Fact]
    public void Resumed_run_without_its_checkpoint_refuses_to_train()
    {
        using var trainable = Harness.Create("fashion-mlp");
        trainable.Setup(Harness.Context(Harness.SmallMlp(subset: 500), 2, 3));
        var error = Assert.Throws<InvalidOperationException>(() => trainable.TrainEpoch(2, CancellationToken.None));
        Assert.Contains("checkpoint of epoch 1", error.Message);
    }

    [Fact]
    public void Checkpoint_leaves_the_stream_open_and_reads_exactly_its_bytes()
    {
        using var trainable = Harness.Create("fashion-mlp");
        trainable.Setup(Harness.Context(Harness.SmallMlp(subset: 500), 1, 1));
        trainable.TrainEpoch(1, CancellationToken.None);
        using var stream = new MemoryStream();
        trainable.SaveCheckpoint(stream);
        long length = stream.Length;
        stream.WriteByte(0xAB);
        stream.Position = 0;

        using ITrainable resumed = Harness.Create("fashion-mlp");
        resumed.Setup(Harness.Context(Harness.SmallMlp(subset: 500), 2, 2));
        resumed.LoadCheckpoint(stream);
        Assert.Equal(length, stream.Position);
        Assert.Equal(0xAB, stream.ReadByte());
    }
}
