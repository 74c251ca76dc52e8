using Orleans.Runtime;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Execution;

namespace OrleansHpo.Tests.Failures;

/// <summary>
/// Damage in a trial's checkpoint folder is not a storage fault (docs/architecture.md, "Failures"): a directory where
/// the checkpoint file should be reads as a lost checkpoint (the run retrains from scratch, as for a missing or
/// corrupt file), and a fence file that is not a number is replaced by the claimant's token; neither fails the trial.
/// </summary>
public sealed class DamagedCheckpointFolderTests
{
    private static (LocalDirectoryCheckpointStore Store, CheckpointScope Scope) NewStore()
    {
        var root = Path.Combine(Path.GetTempPath(), "hpo-damaged", Guid.NewGuid().ToString("N")[..10]);
        return (new LocalDirectoryCheckpointStore(), new CheckpointScope("damaged", root));
    }

    [Fact]
    public void A_directory_in_place_of_the_checkpoint_is_a_lost_checkpoint_not_a_fault()
    {
        var (store, scope) = NewStore();
        var saved = store.Save(scope, 3, 1, 1, s => s.Write([1, 2, 3]));
        File.Delete(saved.Uri);
        Directory.CreateDirectory(saved.Uri);
        var stream = store.TryOpen(saved, out var problem);
        Assert.Null(stream);
        Assert.Contains("is a directory", problem);
    }

    [Fact]
    public void A_garbage_fence_file_is_replaced_by_the_claimants_token()
    {
        var (store, scope) = NewStore();
        var saved = store.Save(scope, 4, 1, 2, s => s.Write([1, 2, 3]));
        var fence = Path.Combine(Path.GetDirectoryName(saved.Uri)!, "fence.lock");
        File.WriteAllText(fence, "\0\0garbage that is longer than any token\n");
        store.ClaimFence(scope, 4, 3); // threw FormatException before, which failed the trial
        Assert.Equal("3", File.ReadAllText(fence));
        using var stream = store.TryOpen(saved, out var problem);
        Assert.NotNull(stream); // the checkpoint itself is intact and still loads
        Assert.Throws<StaleCheckpointWriteException>(() => store.Save(scope, 4, 2, 2, s => s.Write([4]))); // fencing still holds
    }

    [Fact]
    public void A_token_in_the_fence_file_of_an_earlier_version_still_fences_and_the_lock_file_carries_the_next()
    {
        var (store, scope) = NewStore();
        var saved = store.Save(scope, 5, 1, 1, s => s.Write([1]));
        var folder = Path.GetDirectoryName(saved.Uri)!;
        File.WriteAllText(Path.Combine(folder, "fence"), "7"); // where versions before the in-place token kept it
        Assert.Throws<StaleCheckpointWriteException>(() => store.Save(scope, 5, 2, 6, s => s.Write([2])));
        store.ClaimFence(scope, 5, 8);
        Assert.Equal("8", File.ReadAllText(Path.Combine(folder, "fence.lock")));
        Assert.Throws<StaleCheckpointWriteException>(() => store.Save(scope, 5, 2, 7, s => s.Write([2])));
        Assert.Equal(2, store.Save(scope, 5, 2, 8, s => s.Write([2])).Epoch);
    }

    [Fact]
    public void Storage_faults_are_classified_by_their_cause()
    {
        Assert.Equal(FailureClass.Lasting, FailureClassifier.Classify(new IOException("No space left on device : '/data/x/y.tmp'", 28)));
        Assert.Equal(FailureClass.Lasting, FailureClassifier.Classify(new OrleansException("Error from storage provider",
            new UnauthorizedAccessException("Access to the path '/data/x/state.bin.tmp' is denied.", new IOException("Operation not permitted", 1)))));
        Assert.Contains("/data/x/state.bin.tmp", FailureClassifier.LastingCause(new UnauthorizedAccessException("Access to the path '/data/x/state.bin.tmp' is denied."))!);
        Assert.Equal(FailureClass.Transient, FailureClassifier.Classify(new TimeoutException("response timed out")));
        Assert.Equal(FailureClass.Transient, FailureClassifier.Classify(new OrleansException("Error from storage provider", new System.Net.Sockets.SocketException(111))));
        Assert.Equal(FailureClass.Trainable, FailureClassifier.Classify(new InvalidOperationException("shape mismatch")));
    }
}
