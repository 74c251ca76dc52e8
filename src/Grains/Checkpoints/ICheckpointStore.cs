using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Where trial checkpoints live. Writes are atomic and checksummed; a reader gets the bytes only if the checksum
/// matches the reference stored in the trial's state. Writes are fenced: each carries the run's fence token, and a
/// write whose token is lower than the newest one already written for the trial is refused with
/// <see cref="StaleCheckpointWriteException"/>, so a stale activation cannot replace a newer run's checkpoint.
/// Implementations: a local (or shared) directory, Azure Blob Storage; <see cref="CheckpointStoreFactory"/> picks one.
/// <para>Threads (docs/architecture.md, "No blocking I/O in grain turns"): what grains call in their turns is
/// asynchronous and does its I/O off the grain's thread (<see cref="DeleteAsync"/>, <see cref="MeasureAsync"/>).
/// <see cref="Save"/>, <see cref="ClaimFence"/> and <see cref="TryOpen"/> are synchronous on purpose: only a run's
/// dedicated training thread calls them, and the trainable's save callback must run on that thread (TorchSharp's
/// dispose scopes are per thread). <see cref="List"/> is for tools and tests, never a grain turn.</para>
/// </summary>
public interface ICheckpointStore
{
    /// <summary>
    /// Write a checkpoint of <paramref name="trialId"/> after <paramref name="epoch"/>, fenced by <paramref name="fence"/>.
    /// Nothing is visible until the whole checkpoint is stored; if <paramref name="write"/> throws, nothing is stored.
    /// </summary>
    /// <exception cref="StaleCheckpointWriteException">A run with a higher fence token already wrote a checkpoint of this trial.</exception>
    CheckpointRef Save(CheckpointScope scope, int trialId, int epoch, long fence, Action<Stream> write);

    /// <summary>
    /// Record that the run with <paramref name="fence"/> owns the trial from now on: a run calls this before it loads
    /// its checkpoint, so an older run can no longer write one even if the newer run has not written yet.
    /// </summary>
    /// <exception cref="StaleCheckpointWriteException">A run with a higher fence token has already claimed the trial.</exception>
    void ClaimFence(CheckpointScope scope, int trialId, long fence);

    /// <summary>Read and verify a checkpoint. Returns null with a reason when it is missing or corrupt.</summary>
    Stream? TryOpen(CheckpointRef reference, out string? problem);

    /// <summary>Delete a checkpoint, off the caller's thread; a missing one is not an error, and the task never faults
    /// (a checkpoint that could not be deleted is found by the budget's next disk measurement).</summary>
    Task DeleteAsync(CheckpointRef reference);

    /// <summary>Checkpoints currently stored for the experiment of <paramref name="scope"/>, ordered by trial, epoch and fence.</summary>
    IReadOnlyList<StoredCheckpoint> List(CheckpointScope scope);

    /// <summary>Bytes of checkpoints currently stored for the experiment of <paramref name="scope"/>.</summary>
    long BytesUnder(CheckpointScope scope) => List(scope).Sum(c => c.Bytes);

    /// <summary>Files, bytes and owning trials of the checkpoints currently stored for the experiment of
    /// <paramref name="scope"/>, measured on the thread pool.</summary>
    Task<CheckpointUsage> MeasureAsync(CheckpointScope scope) => Task.Run(() =>
    {
        var stored = List(scope);
        return new CheckpointUsage(stored.Count, stored.Sum(c => c.Bytes), stored.Select(c => c.TrialId).ToHashSet());
    });
}
