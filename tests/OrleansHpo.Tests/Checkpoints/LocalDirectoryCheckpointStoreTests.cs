using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>The local directory store against the store contract, on a temporary folder.</summary>
public sealed class LocalDirectoryCheckpointStoreTests : CheckpointStoreContract, IDisposable
{
    protected override ICheckpointStore Store { get; } = new LocalDirectoryCheckpointStore();

    protected override void Corrupt(CheckpointRef reference)
    {
        var bytes = File.ReadAllBytes(reference.Uri);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(reference.Uri, bytes);
    }

    protected override int StoredObjectsOf(int trialId)
    {
        var folder = Path.Combine(Scope.Root, $"trial-{trialId}");
        // Only the fence bookkeeping may remain; no checkpoint and no temporary file.
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Count(f => Path.GetFileName(f) is not ("fence" or "fence.lock"))
            : 0;
    }

    [Fact]
    public void Configured_base_directory_holds_every_experiment_by_name()
    {
        var store = new LocalDirectoryCheckpointStore(Path.Combine(Path.GetDirectoryName(Scope.Root)!, "shared"));
        var saved = store.Save(Scope, 1, 3, 1, s => s.WriteByte(42));

        Assert.Equal(Path.Combine(store.BaseDirectory!, Scope.Experiment, "trial-1", "epoch-3.fence-1.ckpt"), saved.Uri);
        Assert.Single(store.List(Scope));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(Scope.Root)!, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
