using OrleansHpo.Grains.Interfaces.Contracts;

namespace OrleansHpo.Grains.Checkpoints;

/// <summary>
/// Where trial checkpoints live. Writes are atomic and checksummed; a reader gets the bytes only if the checksum
/// matches the reference stored in the trial's state. Implementations: a local (or shared) directory, Azure Blob.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Write a checkpoint of <paramref name="trialId"/> after <paramref name="epoch"/> under <paramref name="root"/>.</summary>
    CheckpointRef Save(string root, int trialId, int epoch, Action<Stream> write);

    /// <summary>Read and verify a checkpoint. Returns null with a reason when it is missing or corrupt.</summary>
    Stream? TryOpen(CheckpointRef reference, out string? problem);

    /// <summary>Delete a checkpoint; a missing one is not an error.</summary>
    void Delete(CheckpointRef reference);

    /// <summary>Bytes of checkpoints currently stored under <paramref name="root"/>.</summary>
    long BytesUnder(string root);

    /// <summary>Files, bytes and owning trials of the checkpoints currently stored under <paramref name="root"/>.</summary>
    CheckpointUsage Measure(string root);
}
