using System.Collections.Concurrent;
using OrleansHpo.Grains.Checkpoints;
using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Tests.Checkpoints;

/// <summary>What every checkpoint store must do: round trip, checksum, missing, delete, atomicity, fencing.</summary>
public abstract class CheckpointStoreContract
{
    protected abstract ICheckpointStore Store { get; }

    protected CheckpointScope Scope { get; } = new("exp-" + Guid.NewGuid().ToString("N")[..8], Path.Combine(Path.GetTempPath(), "hpo-ckpt-tests", Guid.NewGuid().ToString("N")[..10], "checkpoints"));

    /// <summary>Change the stored bytes behind <paramref name="reference"/> (bit rot, a truncated copy).</summary>
    protected abstract void Corrupt(CheckpointRef reference);

    /// <summary>Files or blobs of <paramref name="trialId"/> a reader could see, other than the fence bookkeeping.</summary>
    protected abstract int StoredObjectsOf(int trialId);

    protected static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [Fact]
    public void Round_trip_returns_the_bytes_and_lists_the_checkpoint()
    {
        var data = Bytes((9 << 20) + 123, seed: 1); // several 4 MiB blocks for the blob store
        var saved = Store.Save(Scope, trialId: 3, epoch: 2, fence: 1, s => s.Write(data));

        Assert.Equal(2, saved.Epoch);
        Assert.Equal(data.Length, saved.Bytes);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data)), saved.Sha256);
        using (var read = Store.TryOpen(saved, out var problem))
        {
            Assert.Null(problem);
            Assert.NotNull(read);
            Assert.Equal(data, ReadAll(read!));
        }
        var listed = Assert.Single(Store.List(Scope));
        Assert.Equal((saved.Uri, 3, 2, 1L, (long)data.Length), (listed.Uri, listed.TrialId, listed.Epoch, listed.Fence, listed.Bytes));
        Assert.Equal(data.Length, Store.BytesUnder(Scope));
    }

    [Fact]
    public void Corrupt_checkpoint_is_detected_by_its_checksum()
    {
        var saved = Store.Save(Scope, 1, 1, 1, s => s.Write(Bytes(4096, 2)));
        Corrupt(saved);

        Assert.Null(Store.TryOpen(saved, out var problem));
        Assert.Contains("corrupt", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_with_another_checksum_is_refused()
    {
        var saved = Store.Save(Scope, 1, 1, 1, s => s.Write(Bytes(100, 3)));
        var wrong = saved with { Sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Bytes(100, 4))) };

        Assert.Null(Store.TryOpen(wrong, out var problem));
        Assert.Contains("corrupt", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_checkpoint_and_a_later_read_reports_it_missing()
    {
        var saved = Store.Save(Scope, 4, 3, 1, s => s.Write(Bytes(1000, 5)));
        await Store.DeleteAsync(saved);

        Assert.Empty(Store.List(Scope));
        Assert.Null(Store.TryOpen(saved, out var problem));
        Assert.Contains("missing", problem, StringComparison.Ordinal);
        await Store.DeleteAsync(saved); // a missing checkpoint is not an error
    }

    [Fact]
    public void Failed_write_leaves_no_visible_checkpoint()
    {
        var e = Assert.Throws<IOException>(() => Store.Save(Scope, 5, 1, 1, s =>
        {
            s.Write(Bytes(5 << 20, 6)); // more than one blob block staged
            throw new IOException("device lost mid-checkpoint");
        }));

        Assert.Equal("device lost mid-checkpoint", e.Message);
        Assert.Empty(Store.List(Scope));
        Assert.Equal(0, StoredObjectsOf(5));
    }

    [Fact]
    public void Write_with_an_older_fence_is_refused_equal_and_newer_are_accepted()
    {
        Store.Save(Scope, 7, 1, fence: 2, s => s.Write(Bytes(10, 7)));

        var refused = Assert.Throws<StaleCheckpointWriteException>(() => Store.Save(Scope, 7, 2, fence: 1, s => s.Write(Bytes(10, 8))));
        Assert.Equal((7, 1L, 2L), (refused.TrialId, refused.Fence, refused.Newest));
        Store.Save(Scope, 7, 2, fence: 2, s => s.Write(Bytes(10, 9)));
        Store.Save(Scope, 7, 3, fence: 3, s => s.Write(Bytes(10, 10)));
        Assert.Throws<StaleCheckpointWriteException>(() => Store.Save(Scope, 7, 4, fence: 2, s => s.Write(Bytes(10, 11))));
        // Fences are per trial: another trial is not affected.
        Store.Save(Scope, 8, 1, fence: 1, s => s.Write(Bytes(10, 12)));

        Assert.Equal([(7, 1, 2L), (7, 2, 2L), (7, 3, 3L), (8, 1, 1L)], Store.List(Scope).Select(c => (c.TrialId, c.Epoch, c.Fence)));
    }

    [Fact]
    public void A_claimed_fence_refuses_older_runs_before_the_newer_one_writes()
    {
        Store.ClaimFence(Scope, 9, 5);

        Assert.Throws<StaleCheckpointWriteException>(() => Store.Save(Scope, 9, 1, fence: 4, s => s.Write(Bytes(10, 13))));
        Assert.Throws<StaleCheckpointWriteException>(() => Store.ClaimFence(Scope, 9, 4));
        Store.ClaimFence(Scope, 9, 5);
        Store.Save(Scope, 9, 1, fence: 5, s => s.Write(Bytes(10, 14)));
        Assert.Equal(5, Assert.Single(Store.List(Scope)).Fence);
    }

    [Fact]
    public void Stale_writer_that_started_first_cannot_publish_after_a_newer_write()
    {
        CheckpointRef? newer = null;
        var stale = Assert.Throws<StaleCheckpointWriteException>(() => Store.Save(Scope, 2, 4, fence: 1, s =>
        {
            s.Write(Bytes(3000, 15));
            // While the old activation is still writing, the trial's new activation writes the same epoch.
            newer = Store.Save(Scope, 2, 4, fence: 2, n => n.Write(Bytes(3000, 16)));
            s.Write(Bytes(3000, 17));
        }));

        Assert.Equal(2, stale.Newest);
        var survivor = Assert.Single(Store.List(Scope));
        Assert.Equal((newer!.Uri, 2L), (survivor.Uri, survivor.Fence));
        using var read = Store.TryOpen(newer, out _);
        Assert.Equal(Bytes(3000, 16), ReadAll(read!));
    }

    [Fact]
    public void Concurrent_old_and_new_writers_once_refused_the_old_one_never_writes_again()
    {
        const int writes = 8;
        var outcomes = new ConcurrentDictionary<long, List<bool>>();
        using var barrier = new Barrier(2);
        void Writer(long fence)
        {
            var mine = outcomes.GetOrAdd(fence, _ => []);
            barrier.SignalAndWait();
            for (int epoch = 1; epoch <= writes; epoch++)
            {
                try
                {
                    Store.Save(Scope, 6, epoch, fence, s => s.Write(Bytes(2048, epoch)));
                    mine.Add(true);
                }
                catch (StaleCheckpointWriteException)
                {
                    mine.Add(false);
                }
            }
        }
        Parallel.Invoke(() => Writer(1), () => Writer(2));

        Assert.All(outcomes[2], Assert.True); // the newer writer is never refused
        var old = outcomes[1];
        int firstRefusal = old.IndexOf(false);
        Assert.True(firstRefusal < 0 || old.Skip(firstRefusal).All(ok => !ok), string.Join(",", old));
        var listed = Store.List(Scope);
        Assert.Equal(writes, listed.Count(c => c.Fence == 2));
        Assert.Equal(old.Count(ok => ok), listed.Count(c => c.Fence == 1));
    }
}
