namespace OrleansHpo.Grains.Checkpoints;

/// <summary>A checkpoint found in a store by <see cref="ICheckpointStore.List"/>.</summary>
public sealed record StoredCheckpoint(string Uri, int TrialId, int Epoch, long Fence, long Bytes);
